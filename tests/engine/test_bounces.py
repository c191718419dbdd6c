"""Bounces scored per address: past the threshold the person is suppressed and the right contact told."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.app import App
from engine.clock import FixedClock
from engine.models import BounceEvent, Delivery, Person
from engine.services.areas import add_area, find_area
from engine.services.bounces import SUPPRESSED_KIND, confirmed_reachable, record_bounce, score
from engine.services.outbox import queue_message
from engine.services.partnerships import invite
from engine.services.people import add_person, find_person
from outbound.deliver import deliver
from tests.support.smtp_sink import SmtpSink

MEMBER = "member@kemptown.example"
CHAIR = "chair@kemptown.example"


def _force(app: App) -> None:
    """Sussex > Brighton East; a coordinator for Sussex; Kemptown Traders with a chair and a member."""
    with app.sessions() as session:
        add_area(session, app.env, "Sussex")
        add_area(session, app.env, "Brighton East", "Sussex")
        add_person(session, app.env, "coord@police.example", "Cora Coordinator", "coordinator",
                   area=find_area(session, "Sussex"))
        add_person(session, app.env, "pc@police.example", "PC Patel", "officer", area=find_area(session, "Brighton East"))
        partnership = invite(session, app.env, "Kemptown Traders", "shopwatch", "Brighton East", CHAIR,
                             chair_name="Sam Chair")
        add_person(session, app.env, MEMBER, "Mo Member", "member", partnership=partnership)
        session.commit()


def _bounce(app: App, address: str, hard: bool = True, policy: bool = False, delivery_id: int | None = None):  # type: ignore[no-untyped-def]
    with app.sessions() as session:
        outcome = record_bounce(session, app.env, address, hard=hard, policy=policy,
                                status="5.1.1" if hard else "4.2.2", diagnostic="550 5.1.1 user unknown",
                                delivery_id=delivery_id)
        session.commit()
        return outcome.score, outcome.suppressed_now


def _warnings_to(app: App, address: str) -> list[Delivery]:
    with app.sessions() as session:
        return list(session.scalars(select(Delivery).where(Delivery.kind == SUPPRESSED_KIND,
                                                           Delivery.to_addr == address)))


def _suppressed(app: App, address: str) -> bool:
    with app.sessions() as session:
        person = find_person(session, address)
        return person is not None and person.suppressed_at is not None


# (bounces as (hard, policy, days ago), expected score, suppressed?)
SCORING = [
    ([(True, False, 0)] * 3, 3.0, True),
    ([(True, False, 0)] * 2 + [(False, False, 0)], 2.5, False),
    ([(True, False, 0)] * 2 + [(False, False, 0)] * 2, 3.0, True),
    ([(True, True, 0)] * 5, 0.0, False),
    ([(True, False, 40)] * 2 + [(True, False, 0)] * 2, 2.0, False),
]


@pytest.mark.parametrize(("bounces", "expected", "suppressed"), SCORING,
                         ids=["three-hard", "two-hard-one-soft", "two-hard-two-soft", "policy-never-counts",
                              "old-ones-expire"])
def test_hard_and_soft_bounces_are_scored_within_the_window(app: App, clock: FixedClock, bounces, expected,  # type: ignore[no-untyped-def]
                                                            suppressed: bool) -> None:
    # Given a member of a partnership
    _force(app)
    start = clock.now()
    # When bounces arrive for their address, some of them long ago
    for hard, policy, days_ago in sorted(bounces, key=lambda b: -b[2]):
        clock.set(start - timedelta(days=days_ago))
        _bounce(app, MEMBER, hard, policy)
    clock.set(start)
    # Then the score counts hard 1 and soft 0.5 within the window, never policy rejections
    with app.sessions() as session:
        assert score(session, app.env, MEMBER) == expected
        assert len(list(session.scalars(select(BounceEvent)))) == len(bounces)
    assert _suppressed(app, MEMBER) is suppressed


@pytest.mark.parametrize(("who", "told"), [
    (MEMBER, "chair@kemptown.example"),        # a member: their partnership's chair
    (CHAIR, "coord@police.example"),           # the chair: the coordinator over the partnership's area
    ("pc@police.example", "coord@police.example"),  # police: the coordinator over their area
], ids=["member-chair", "chair-coordinator", "officer-coordinator"])
def test_suppression_tells_the_right_contact_once(app: App, who: str, told: str) -> None:
    # Given the force
    _force(app)
    # When the person's address bounces hard three times, and then once more
    results = [_bounce(app, who) for _ in range(4)]
    # Then it is suppressed at the third, and the contact is told once, with the evidence
    assert [r[1] for r in results] == [False, False, True, False]
    warnings = _warnings_to(app, told)
    assert len(warnings) == 1
    assert warnings[0].context["person_email"] == who and len(warnings[0].context["evidence"]) == 3
    assert not _warnings_to(app, who)
    # And nothing more is queued for the suppressed person
    with app.sessions() as session:
        person = find_person(session, who)
        assert queue_message(session, app.env, "any.reply.refused", {"reason": "r", "next_step": "n"},
                             person=person) is None


def test_with_no_coordinator_anywhere_the_admins_are_told(app: App) -> None:
    # Given an officer in an area with no coordinator above it, and an admin
    with app.sessions() as session:
        area = add_area(session, app.env, "Kent")
        add_person(session, app.env, "pc@kent.example", "PC Kent", "officer", area=area)
        add_person(session, app.env, "admin@police.example", "Ada Admin", "admin")
        session.commit()
    # When the officer's address is suppressed
    for _ in range(3):
        _bounce(app, "pc@kent.example")
    # Then the admin is told
    assert len(_warnings_to(app, "admin@police.example")) == 1


def test_confirming_again_resets_the_score_and_lifts_the_suppression(app: App) -> None:
    # Given a suppressed member
    _force(app)
    for _ in range(3):
        _bounce(app, MEMBER)
    assert _suppressed(app, MEMBER)
    # When they show their address works
    with app.sessions() as session:
        confirmed_reachable(session, app.env, find_person(session, MEMBER), "test")  # type: ignore[arg-type]
        session.commit()
    # Then the score starts again from nothing, the evidence is kept, and two more bounces do not suppress
    assert not _suppressed(app, MEMBER)
    assert _bounce(app, MEMBER) == (1.0, False) and _bounce(app, MEMBER) == (2.0, False)
    with app.sessions() as session:
        events = list(session.scalars(select(BounceEvent).order_by(BounceEvent.id)))
    assert [e.cleared_at is not None for e in events] == [True, True, True, False, False]


def test_bounces_for_an_unknown_address_are_kept_but_suppress_nobody(app: App) -> None:
    # When a stranger's address bounces
    for _ in range(4):
        _bounce(app, "Stranger@Nowhere.example")
    # Then the evidence is kept under the normalised address
    with app.sessions() as session:
        rows = list(session.scalars(select(BounceEvent)))
        assert {r.address for r in rows} == {"stranger@nowhere.example"} and all(r.person_id is None for r in rows)
        assert session.scalar(select(Person).where(Person.suppressed_at.is_not(None))) is None


def test_a_permanent_refusal_at_send_time_counts_once_per_delivery(app: App, clock: FixedClock) -> None:
    # Given a member and a relay that refuses their address, one for spam reasons
    _force(app)
    with SmtpSink() as sink:
        sink.refuse_recipient(MEMBER, 550, "5.1.1 <member@kemptown.example>: User unknown")
        sink.refuse_recipient(CHAIR, 554, "5.7.1 Message rejected as spam")
        app = App(**{**app.__dict__, "settings": app.settings.with_changes(outbound=f"smtp://127.0.0.1:{sink.port}"),
                     "_transport": None, "_renderer": None})
        with app.sessions() as session:
            member, chair = find_person(session, MEMBER), find_person(session, CHAIR)
            ids = [queue_message(session, app.env, "any.reply.refused", {"reason": "r", "next_step": "n"},
                                 person=p).id for p in (member, chair)]  # type: ignore[union-attr]
            session.commit()
        # When both deliveries are attempted
        for delivery_id in ids:
            deliver(app, delivery_id)
        app.transport.close()
    # Then each failed, the member's as a hard bounce, the chair's as a policy rejection that does not count
    with app.sessions() as session:
        events = {e.address: e for e in session.scalars(select(BounceEvent))}
        assert {session.get(Delivery, i).status for i in ids} == {"failed"}  # type: ignore[union-attr]
        assert events[MEMBER].hard and not events[MEMBER].policy and events[MEMBER].status == "5.1.1"
        assert events[CHAIR].policy and events[CHAIR].delivery_id == ids[1]
        assert score(session, app.env, MEMBER) == 1.0 and score(session, app.env, CHAIR) == 0.0
        # And a later report about the same delivery is not counted again
        again = record_bounce(session, app.env, MEMBER, hard=True, policy=False, status="5.1.1", diagnostic="dsn",
                              delivery_id=ids[0])
        assert again.score == 1.0 and len(list(session.scalars(select(BounceEvent)))) == 2
