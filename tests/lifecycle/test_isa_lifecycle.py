"""Time travel through a partnership's agreement: reminders on the right days and only once, lapse at
the deadline, re-confirmation, a new version with its grace period, and the clock changes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from engine.app import App
from engine.clock import FixedClock
from engine.lifecycle import receives_personal_data
from engine.models import AuditEvent
from engine.services.isa import current_version, publish_version
from engine.services.isa_standing import isa_current_ids
from engine.scheduler.isa_jobs import request_new_version
from tests.conftest import START
from tests.lifecycle.force import (CHAIR, COORDINATOR, confirm_by_token, invite_partnership, queued, small_force,
                                     status, tick_at)

UTC = timezone.utc


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def confirmed(app: App, clock: FixedClock) -> int:
    """Kemptown Traders, confirmed at START (10:00 GMT, 27 November 2026) for 12 months."""
    small_force(app)
    pid = invite_partnership(app)
    confirm_by_token(app, CHAIR)
    return pid


def test_reminders_come_on_their_days_once_each_and_the_partnership_lapses_at_expiry(
        app: App, clock: FixedClock, confirmed: int) -> None:
    # Given a confirmation that runs out at 10:00 UTC on 27 November 2027 (reminders from 09:00 local)
    expiry = _utc(2027, 11, 27, 10)
    steps = [  # (when, reminder expected: days left or None, status afterwards)
        (START + timedelta(days=1), None, "active"),
        (_utc(2027, 11, 13, 8, 59), None, "active"),
        (_utc(2027, 11, 13, 9, 0), 14, "active"),
        (_utc(2027, 11, 13, 9, 1), None, "active"),      # the same day again: not twice
        (_utc(2027, 11, 20, 9, 0), 7, "active"),
        (_utc(2027, 11, 20, 18, 0), None, "active"),
        (_utc(2027, 11, 26, 9, 30), 1, "active"),
        (expiry - timedelta(seconds=1), None, "active"),
    ]
    for at, days_left, expected_status in steps:
        # When the scheduler ticks at each moment
        before = len(queued(app, "chair.isa.reminder", CHAIR))
        tick_at(app, clock, at)
        reminders = queued(app, "chair.isa.reminder", CHAIR)
        # Then a reminder is queued exactly when due, with a fresh reply address each time
        if days_left is None:
            assert len(reminders) == before, at
        else:
            assert len(reminders) == before + 1, at
            assert reminders[-1].context["days_left"] == days_left
            assert reminders[-1].context["confirm_by"] == "2027-11-27"
            assert reminders[-1].reply_token and reminders[-1].reply_token.startswith("reply+i-")
        assert status(app, confirmed) == expected_status
    assert len({d.reply_token for d in queued(app, "chair.isa.reminder")}) == 3
    # And the gate already refuses at the deadline itself, before any tick
    assert receives_personal_data("active", expiry, expiry - timedelta(seconds=1))
    assert not receives_personal_data("active", expiry, expiry)
    with app.sessions() as session:
        version = current_version(session)
        assert list(session.scalars(isa_current_ids(app.env, version, expiry))) == []
        assert list(session.scalars(isa_current_ids(app.env, version, expiry - timedelta(seconds=1)))) == [confirmed]
    # When the scheduler ticks at the expiry, and again a minute later
    done = tick_at(app, clock, expiry)
    tick_at(app, clock, expiry + timedelta(minutes=1))
    # Then it lapsed once: the chair (with a reply address to start again) and the coordinator are told once
    assert done["isa.lapse"] == 1 and status(app, confirmed) == "lapsed"
    assert not receives_personal_data(status(app, confirmed))
    lapse_notes = queued(app, "chair.isa.lapsed", CHAIR)
    assert len(lapse_notes) == 1 and lapse_notes[0].reply_token
    coordinator_notes = queued(app, "coordinator.partnership.lapsed", COORDINATOR)
    assert len(coordinator_notes) == 1
    assert coordinator_notes[0].context["partnerships"][0]["name"] == "Kemptown Traders"
    with app.sessions() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "partnership.status",
                                                       AuditEvent.object_id == confirmed,
                                                       AuditEvent.actor == "pep")) is not None


def test_confirming_again_after_the_lapse_reactivates_and_starts_a_new_cycle(
        app: App, clock: FixedClock, confirmed: int) -> None:
    # Given a partnership that lapsed
    tick_at(app, clock, _utc(2027, 11, 27, 10))
    assert status(app, confirmed) == "lapsed"
    # When the chair agrees through the lapse notice a week later
    clock.set(_utc(2027, 12, 4, 12))
    confirm_by_token(app, CHAIR)
    # Then it is active again until a year from now, and told so (not welcomed as new)
    assert status(app, confirmed) == "active"
    assert queued(app, "chair.isa.confirmed", CHAIR)[-1].context["confirmed_until"] == "2028-12-04"
    # And the new cycle gets its own reminders
    before = len(queued(app, "chair.isa.reminder", CHAIR))
    tick_at(app, clock, _utc(2028, 11, 20, 9))
    assert len(queued(app, "chair.isa.reminder", CHAIR)) == before + 1


def test_a_scheduler_that_was_down_sends_only_the_most_urgent_reminder(
        app: App, clock: FixedClock, confirmed: int) -> None:
    # Given no tick ran for the 14- and 7-day reminders
    # When the scheduler comes back two days before expiry
    tick_at(app, clock, _utc(2027, 11, 25, 12))
    # Then the chair gets one reminder, the 7-day one, not three at once
    assert [d.context["days_left"] for d in queued(app, "chair.isa.reminder", CHAIR)] == [7]


def test_a_new_version_asks_every_active_partnership_and_lapses_them_after_the_grace(
        app: App, clock: FixedClock, confirmed: int) -> None:
    # Given a second active partnership, and a new ISA version published on 1 February 2027
    second = invite_partnership(app, "Hove Pubwatch", "chair@hovepubs.example", "Hove")
    confirm_by_token(app, "chair@hovepubs.example")
    clock.set(_utc(2027, 2, 1, 10))
    with app.sessions() as session:
        publish_version(session, app.env, "Version two of the agreement.", 12)
        asked = request_new_version(session, app.env)
        session.commit()
    # Then both chairs are asked to confirm within 30 days, once
    assert asked == 2
    assert tick_at(app, clock, _utc(2027, 2, 1, 11))["isa.new_version"] == 0
    request = queued(app, "chair.isa.new_version", CHAIR)[0]
    assert request.context["confirm_by"] == "2027-03-03" and request.reply_token
    # When one chair confirms the new version and the other does not
    confirm_by_token(app, "chair@hovepubs.example")
    tick_at(app, clock, _utc(2027, 2, 17, 9))
    # Then only the one that has not confirmed is reminded before the grace ends
    assert [d.context["new_version"] for d in queued(app, "chair.isa.reminder", CHAIR)] == [True]
    assert queued(app, "chair.isa.reminder", "chair@hovepubs.example") == []
    # And at the end of the grace only that one lapses, though its own confirmation had months to run
    tick_at(app, clock, _utc(2027, 3, 3, 9, 59))
    assert status(app, confirmed) == "active"
    tick_at(app, clock, _utc(2027, 3, 3, 10))
    assert status(app, confirmed) == "lapsed" and status(app, second) == "active"


CLOCK_CHANGES = [
    # confirmed at (UTC), checks: (moment, reminder days expected due then, status)
    pytest.param(_utc(2027, 3, 2, 10), [
        (_utc(2027, 3, 26, 8, 59), [], "active"),
        (_utc(2027, 3, 26, 9, 0), [7], "active"),           # 09:00 GMT, before the change
        (_utc(2027, 4, 1, 7, 59), [7], "active"),
        (_utc(2027, 4, 1, 8, 0), [7, 1], "active"),         # 09:00 BST, after the change
        (_utc(2027, 4, 2, 8, 59), [7, 1], "active"),
        (_utc(2027, 4, 2, 9, 0), [7, 1], "lapsed"),         # 10:00 BST: a month after 10:00 GMT
    ], id="last Sunday of March"),
    pytest.param(_utc(2027, 10, 5, 10), [
        (_utc(2027, 10, 29, 7, 59), [], "active"),
        (_utc(2027, 10, 29, 8, 0), [7], "active"),          # 09:00 BST, before the change
        (_utc(2027, 11, 4, 8, 59), [7], "active"),
        (_utc(2027, 11, 4, 9, 0), [7, 1], "active"),        # 09:00 GMT, after the change
        (_utc(2027, 11, 5, 10, 59), [7, 1], "active"),
        (_utc(2027, 11, 5, 11, 0), [7, 1], "lapsed"),       # 11:00 GMT: a month after 11:00 BST
    ], id="last Sunday of October"),
]


@pytest.mark.parametrize(("confirmed_at", "checks"), CLOCK_CHANGES)
def test_reminders_and_lapse_keep_local_time_across_the_clock_change(
        app: App, clock: FixedClock, confirmed_at: datetime, checks: list[tuple[datetime, list[int], str]]) -> None:
    # Given a one-month agreement confirmed shortly before the clocks change
    small_force(app)
    clock.set(confirmed_at)
    with app.sessions() as session:
        publish_version(session, app.env, "A one-month agreement.", 1)
        session.commit()
    pid = invite_partnership(app)
    confirm_by_token(app, CHAIR)
    for at, expected, expected_status in checks:
        # When the scheduler ticks at each moment
        tick_at(app, clock, at)
        # Then the reminders due so far are exactly those at the chair's local hour, and the lapse is on time
        days = [d.context["days_left"] for d in queued(app, "chair.isa.reminder", CHAIR)]
        assert [d for d in days if d in (7, 1)] == expected, at
        assert status(app, pid) == expected_status, at
