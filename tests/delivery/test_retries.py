"""Temporary failures retry with back-off until the lifetime ends; permanent ones fail at once."""
from __future__ import annotations

from datetime import timedelta

from engine.app import App
from engine.clock import FixedClock
from engine.models import Delivery
from outbound.batch import PlanCache, send_batch
from tests.support.smtp_sink import SmtpSink

from .conftest import add_people, broadcast_to


def the_delivery(app: App, broadcast_id: int) -> Delivery:
    with app.sessions() as session:
        from sqlalchemy import select
        return session.scalars(select(Delivery).where(Delivery.broadcast_id == broadcast_id)).one()


def test_451_then_421_then_recovery_sends_once_after_backing_off(sink_app: App, smtp_sink: SmtpSink,
                                                                  clock: FixedClock) -> None:
    # Given one recipient, and a relay that answers 451 to the first MAIL and 421 after the next message
    # (a 421 at MAIL on a reused connection is retried at once on a new one by the transport)
    broadcast = broadcast_to(sink_app, add_people(sink_app, ["Ann Smith"]))
    smtp_sink.answer_next("MAIL", 451)
    smtp_sink.answer_next("DATA", 421)
    plans = PlanCache()
    # When the worker tries: the first refusal puts the delivery back for 30 s
    send_batch(sink_app, plans, broadcast)
    first = the_delivery(sink_app, broadcast)
    assert (first.status, first.attempts) == ("queued", 1) and "451" in (first.last_error or "")
    assert first.next_attempt_at == clock.now() + timedelta(seconds=30)
    # Then nothing is tried before that time
    assert send_batch(sink_app, plans, broadcast) == 0
    clock.advance(timedelta(seconds=30))
    send_batch(sink_app, plans, broadcast)
    second = the_delivery(sink_app, broadcast)
    assert (second.status, second.attempts) == ("queued", 2) and "421" in (second.last_error or "")
    # And the next wait is twice as long
    clock.advance(timedelta(seconds=59))
    assert send_batch(sink_app, plans, broadcast) == 0
    clock.advance(timedelta(seconds=1))
    send_batch(sink_app, plans, broadcast)
    # Then the third try is accepted, recorded once, and the sink has exactly one message
    done = the_delivery(sink_app, broadcast)
    assert (done.status, done.attempts, done.last_error) == ("sent", 3, None)
    [received] = smtp_sink.wait_for_messages(1)
    assert received.recipients == ("ann@shop.example",)
    assert done.message_id is not None and done.message_id.encode() in received.data


def test_a_relay_that_is_down_is_a_temporary_failure(sink_app: App, smtp_sink: SmtpSink) -> None:
    # Given a relay that has gone away
    broadcast = broadcast_to(sink_app, add_people(sink_app, ["Ann Smith"]))
    smtp_sink.stop()
    # When the worker tries
    send_batch(sink_app, PlanCache(), broadcast)
    # Then the delivery waits to be tried again, with the reason kept
    delivery = the_delivery(sink_app, broadcast)
    assert delivery.status == "queued" and "connection" in (delivery.last_error or "")


def test_temporary_failures_past_the_lifetime_fail(sink_app: App, smtp_sink: SmtpSink, clock: FixedClock) -> None:
    # Given a relay that keeps answering 451
    broadcast = broadcast_to(sink_app, add_people(sink_app, ["Ann Smith"]))
    smtp_sink.answer_next("MAIL", 451, times=1000)
    plans = PlanCache()
    lifetime = timedelta(hours=sink_app.settings.delivery_lifetime_hours)
    # When the worker retries whenever the delivery is due, until the lifetime has passed
    attempts = 0
    while the_delivery(sink_app, broadcast).status == "queued":
        clock.set(max(clock.now(), the_delivery(sink_app, broadcast).next_attempt_at))
        send_batch(sink_app, plans, broadcast)
        attempts += 1
        assert attempts < 40
    # Then it failed for good only once the lifetime was over, with the last reply kept
    delivery = the_delivery(sink_app, broadcast)
    assert delivery.status == "failed" and "451" in (delivery.last_error or "")
    assert clock.now() - delivery.created_at >= lifetime
    assert smtp_sink.messages == []


def test_a_permanent_refusal_fails_the_delivery_at_once(sink_app: App, smtp_sink: SmtpSink) -> None:
    # Given a relay that refuses one recipient with 550
    ids = add_people(sink_app, ["Ann Smith", "Bob Jones"])
    smtp_sink.refuse_recipient("ann@shop.example", 550)
    broadcast = broadcast_to(sink_app, ids)
    # When the worker sends the broadcast
    send_batch(sink_app, PlanCache(), broadcast)
    # Then Ann's delivery failed with the reply, after one attempt, and Bob's was sent
    with sink_app.sessions() as session:
        from sqlalchemy import select
        rows = {d.to_addr: d for d in session.scalars(select(Delivery).where(Delivery.broadcast_id == broadcast))}
    assert (rows["ann@shop.example"].status, rows["ann@shop.example"].attempts) == ("failed", 1)
    assert "550" in (rows["ann@shop.example"].last_error or "")
    assert rows["bob@shop.example"].status == "sent"
    assert [m.recipients for m in smtp_sink.wait_for_messages(1)] == [("bob@shop.example",)]
