"""The weekly digest: once per person per week at the local time, clock changes included; only what is
current and still passes the gate; nothing sent when there is nothing to say, except the chair's ISA reminder."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from engine.app import App
from engine.clock import FixedClock
from engine.models import Broadcast, Delivery, IsaConfirmation, Partnership, StoredFile
from engine.scheduler.tick import run_tick
from engine.services.people import get_person
from tests.digest.world import build, publish, report

# Monday 19 October 2026 08:00 BST is 07:00 UTC; the clocks go back on Sunday 25 October, so
# Monday 26 October 08:00 GMT is 08:00 UTC.
BEFORE_CHANGE = datetime(2026, 10, 19, 7, 0, tzinfo=timezone.utc)
AFTER_CHANGE = datetime(2026, 10, 26, 8, 0, tzinfo=timezone.utc)


def _digests(app: App) -> list[Delivery]:
    with app.sessions() as session:
        return list(session.scalars(select(Delivery).where(Delivery.kind == "any.digest").order_by(Delivery.id)))


def _tick(app: App, clock: FixedClock, at: datetime) -> int:
    clock.set(at)
    return run_tick(app)["digest.weekly"]


def test_digest_goes_once_per_person_per_week_at_local_time_across_a_clock_change(app: App, clock: FixedClock) -> None:
    # Given a member with a current alert, a week before the clocks change
    clock.set(BEFORE_CHANGE - timedelta(days=3))
    with app.sessions() as session:
        world = build(session, app.env)
        publish(session, app.env, world.officer, "alert", "Till snatch in the high street", "info",
                [world.east_member], expires_in=timedelta(days=30))
        session.commit()
    # When the scheduler ticks just before Monday 08:00 local, Then nothing is sent
    assert _tick(app, clock, BEFORE_CHANGE - timedelta(minutes=1)) == 0
    # When it ticks at 08:00 BST and again a minute later, Then the member gets exactly one digest
    assert _tick(app, clock, BEFORE_CHANGE) == 1
    assert _tick(app, clock, BEFORE_CHANGE + timedelta(minutes=1)) == 0
    # When the clocks have gone back, at 07:30 UTC (07:30 GMT) it is not yet time
    assert _tick(app, clock, AFTER_CHANGE - timedelta(minutes=30)) == 0
    # Then at 08:00 GMT the second week's digest goes, once
    assert _tick(app, clock, AFTER_CHANGE) == 1
    assert _tick(app, clock, AFTER_CHANGE + timedelta(hours=2)) == 0
    assert [d.to_addr for d in _digests(app)] == ["m0@east-pubwatch.example"] * 2


def test_content_respects_the_gate_and_expiry_and_empty_digests_are_not_sent(app: App, clock: FixedClock) -> None:
    clock.set(BEFORE_CHANGE - timedelta(days=2))
    with app.sessions() as session:
        world = build(session, app.env)
        env = app.env
        # Given a personal-data alert both East's and West's members received (West's ISA has since run out)
        wanted = publish(session, env, world.officer, "alert", "Wanted: burglary suspect", "wanted",
                         [world.east_member, world.west_member])
        # And an alert that expires before Monday, a news item, an upcoming meeting and an old news item
        publish(session, env, world.officer, "alert", "Old alert", "info", [world.east_member],
                expires_in=timedelta(days=1))
        publish(session, env, world.officer, "news", "Christmas opening hours", "info", [world.east_member])
        publish(session, env, world.officer, "meeting", "Pubwatch meeting", "info", [world.east_member],
                starts_in=timedelta(days=5))
        publish(session, env, world.officer, "news", "Last month's news", "info", [world.east_member],
                published_ago=timedelta(days=20))
        east = session.scalar(select(Partnership.id).where(Partnership.name == "East Pubwatch"))
        for n in range(3):
            report(session, world.east_member, east, clock.now() - timedelta(days=n), n)
        report(session, world.east_member, east, clock.now() - timedelta(days=40), 9)
        session.commit()
    # When the digest runs on Monday
    assert _tick(app, clock, BEFORE_CHANGE) >= 1
    digests = {d.to_addr: d for d in _digests(app)}
    # Then East's member gets the current alert, the recent news and the meeting, with the week's reports
    member = digests["m0@east-pubwatch.example"].context
    assert [a["title"] for a in member["alerts"]] == ["Wanted: burglary suspect"]
    assert [n["title"] for n in member["news"]] == ["Christmas opening hours"]
    assert [e["title"] for e in member["events"]] == ["Pubwatch meeting"]
    assert (member["reports_week"], member["reports_year"]) == (3, 4)
    # And the chart (12 weeks, shared by everyone with the same figures) is a stored PNG shown inline
    with app.sessions() as session:
        broadcast = session.get(Broadcast, digests["m0@east-pubwatch.example"].broadcast_id)
        assert broadcast is not None
        rows = broadcast.context["chart_rows"]
        assert sum(row["reports"] for row in rows) == 4 and len(rows) == 12
        [ref] = broadcast.attachments
        chart = session.get(StoredFile, ref["stored_file"])
        assert chart is not None and chart.data is not None and chart.data.startswith(b"\x89PNG")
    assert ref["inline"] == "chart.digest"
    # And West's member, whose partnership no longer passes the gate, had only that alert: no digest at all
    assert "m0@west-pubwatch.example" not in digests
    assert wanted.id not in [a["id"] for d in digests.values() for a in d.context["alerts"]
                             if d.to_addr != "m0@east-pubwatch.example"]
    # And the admin's area summary counts East's reports
    police = digests["pc@police.example"].context["police"]
    assert police["area_week"] == 3 and police["area_rows"][0]["name"] == "East Pubwatch"


def test_a_chair_whose_isa_is_due_always_gets_the_reminder_block_with_a_confirming_reply(app: App,
                                                                                       clock: FixedClock) -> None:
    clock.set(BEFORE_CHANGE - timedelta(days=1))
    with app.sessions() as session:
        build(session, app.env)
        # Given East's confirmation runs out in 20 days, and nothing else is current
        east = session.scalar(select(Partnership.id).where(Partnership.name == "East Pubwatch"))
        confirmation = session.scalar(select(IsaConfirmation).where(IsaConfirmation.partnership_id == east))
        assert confirmation is not None
        confirmation.expires_at = BEFORE_CHANGE + timedelta(days=20)
        session.commit()
    # When the digest runs
    _tick(app, clock, BEFORE_CHANGE)
    # Then East's chair gets one: the ISA block, due, with a reply address that confirms the ISA
    # (and the admin, whose area summary lists East as lapsing soon; East's member gets nothing)
    digests = {d.to_addr: d for d in _digests(app)}
    assert sorted(digests) == ["chair@east-pubwatch.example", "pc@police.example"]
    assert digests["pc@police.example"].context["police"]["lapsing"][0]["name"] == "East Pubwatch"
    digest = digests["chair@east-pubwatch.example"]
    assert digest.context["isa_due"] and digest.context["isa"][0]["days"] == 20
    assert digest.reply_token is not None and digest.reply_token.startswith("reply+i-")
    # And with the digest off, nothing is sent the next week
    with app.sessions() as session:
        get_person(session, "chair@east-pubwatch.example").digest_on = False
        session.commit()
    _tick(app, clock, AFTER_CHANGE)
    assert [d.to_addr for d in _digests(app)].count("chair@east-pubwatch.example") == 1
