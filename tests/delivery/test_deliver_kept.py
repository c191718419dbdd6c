"""Deliveries a worker keeps to send itself go out as the queue's workers send each: same messages, checks, records."""
from __future__ import annotations

import email
from email import policy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engine.app import App
from engine.clock import FixedClock
from engine.models import AuditEvent, Delivery, Person
from engine.queue.wakeups import keep_here, take_kept
from engine.services.outbox import OUTBOUND_QUEUE, queue_message
from outbound.deliver import deliver, deliver_kept
from tests.support.smtp_sink import SmtpSink

from tests.harness.kinds import notice_values

from .conftest import add_people

# One delivery each: its kind, whether it goes to a registered person (or a bare address), and whether that
# person is suppressed before the worker sends it.
DELIVERIES = st.lists(st.tuples(st.sampled_from(("any.sender.unregistered", "member.notice")), st.booleans(),
                                st.booleans()), min_size=1, max_size=4)


def _queue(app: App, people: list[int], keep: bool) -> list[int]:
    with app.sessions() as session:
        if keep:
            keep_here(session, OUTBOUND_QUEUE)
        ids = []
        for number, person_id in enumerate(people):
            person = session.get(Person, person_id)
            delivery = queue_message(session, app.env, "any.sender.unregistered", {"contact": f"c{number}"},
                                     person=person)
            assert delivery is not None
            ids.append(delivery.id)
        session.commit()
        kept = take_kept(session)
    assert kept == (ids if keep else [])
    return ids


def _outcome(app: App, ids: list[int]) -> list[tuple[str, str | None, int, list[str]]]:
    with app.sessions() as session:
        rows = [session.get(Delivery, i) for i in ids]
        return [(r.status, r.last_error, r.attempts, list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_kind == "delivery", AuditEvent.object_id == r.id)))) for r in rows if r is not None]


def _body(data: bytes) -> str:
    message = email.message_from_bytes(data, policy=policy.default)
    return "\n".join(part.get_content() for part in message.walk() if part.get_content_maintype() == "text")


def test_kept_deliveries_are_sent_and_recorded_as_one_by_one(sink_app: App, smtp_sink: SmtpSink,
                                                              clock: FixedClock) -> None:
    # Given the same messages queued twice to three people, one of whom is suppressed before sending:
    # once for the queue's workers, once kept by the worker that queued them
    people = add_people(sink_app, ["Ann Smith", "Bob Jones", "Cat Brown"])
    queued, kept = _queue(sink_app, people, keep=False), _queue(sink_app, people, keep=True)
    with sink_app.sessions() as session:
        session.get(Person, people[1]).suppressed_at = clock.now()  # type: ignore[union-attr]
        session.commit()
    # When the first set is sent one by one and the second all at once
    for delivery_id in queued:
        deliver(sink_app, delivery_id)
    one_by_one = [(m.recipients, _body(m.data)) for m in smtp_sink.wait_for_messages(2)]
    deliver_kept(sink_app, kept)
    together = [(m.recipients, _body(m.data)) for m in smtp_sink.wait_for_messages(4)[2:]]
    # Then the same people got the same messages, and each delivery ended the same way with the same audit
    assert together == one_by_one
    assert _outcome(sink_app, kept) == _outcome(sink_app, queued)
    assert [status for status, *_ in _outcome(sink_app, kept)] == ["sent", "failed", "sent"]
    # And sending them again does nothing: they are no longer queued
    deliver_kept(sink_app, kept)
    assert len(smtp_sink.messages) == 4


def test_a_claimed_delivery_is_not_taken_by_the_worker_that_kept_it(sink_app: App, smtp_sink: SmtpSink) -> None:
    # Given two kept deliveries, one of which a queue worker has sent meanwhile (woken by the sweeper)
    kept = _queue(sink_app, add_people(sink_app, ["Ann Smith", "Bob Jones"]), keep=True)
    deliver(sink_app, kept[0])
    # When the worker that kept them sends them
    deliver_kept(sink_app, kept)
    # Then each went once
    assert sorted(m.recipients[0] for m in smtp_sink.wait_for_messages(2)) == ["ann@shop.example", "bob@shop.example"]
    assert [status for status, *_ in _outcome(sink_app, kept)] == ["sent", "sent"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(DELIVERIES)
def test_any_batch_kept_ends_as_the_same_deliveries_sent_one_by_one(
        sink_app: App, smtp_sink: SmtpSink, clock: FixedClock,
        wanted: list[tuple[str, bool, bool]]) -> None:
    # Given the same varied deliveries queued twice (to people or bare addresses, some people suppressed later)
    with sink_app.sessions() as session:
        tag = session.scalar(select(Delivery.id).order_by(Delivery.id.desc()).limit(1)) or 0
    people = add_people(sink_app, [f"P{tag}x{number} Smith" for number in range(len(wanted))])
    sets = []
    for keep in (False, True):
        with sink_app.sessions() as session:
            if keep:
                keep_here(session, OUTBOUND_QUEUE)
            ids = []
            for number, (kind, registered, _suppress) in enumerate(wanted):
                values = notice_values(1) if kind == "member.notice" else {"contact": f"c{number}"}
                delivery = queue_message(session, sink_app.env, kind, values,
                                         person=session.get(Person, people[number]) if registered else None,
                                         to_addr=None if registered else f"bare{tag}x{number}@shop.example")
                assert delivery is not None
                ids.append(delivery.id)
            session.commit()
            assert take_kept(session) == (ids if keep else [])
        sets.append(ids)
    with sink_app.sessions() as session:
        for number, (_kind, _registered, suppress) in enumerate(wanted):
            if suppress:
                session.get(Person, people[number]).suppressed_at = clock.now()  # type: ignore[union-attr]
        session.commit()
    before = len(smtp_sink.messages)
    # When one set is sent one by one and the other as the worker that kept it sends it
    for delivery_id in sets[0]:
        deliver(sink_app, delivery_id)
    middle = len(smtp_sink.messages)
    deliver_kept(sink_app, sets[1])
    expected = 2 * (middle - before)
    received = smtp_sink.wait_for_messages(before + expected) if expected else smtp_sink.messages
    # Then both sent the same messages to the same addresses, and every delivery ended the same way
    first = [(m.recipients, _body(m.data)) for m in received[before:middle]]
    second = [(m.recipients, _body(m.data)) for m in received[middle:before + expected]]
    assert second == first
    assert _outcome(sink_app, sets[1]) == _outcome(sink_app, sets[0])
