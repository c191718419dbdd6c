"""Exclusion schemes: the board approves by replying APPROVE, every member gets the notice with the
photo, and the exclusion expires (or is extended, appealed, lifted) with a lifting notice."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterator

import pytest
from sqlalchemy import select

from engine.app import App
from engine.clock import FixedClock
from engine.errors import Conflict, NotPermitted
from engine.models import Delivery, Exclusion, Subject
from engine.services.exclusions import (approve, expire_exclusions, extend_on_incident, lift, list_exclusions,
                                        lodge_appeal, propose)
from engine.services.subjects import add_photo
from engine.settings import Settings
from tests.conftest import START, wait_until
from tests.engine.dataview_world import PNG, World, build_world, incident, subject
from tests.harness.mail import body_text, messages_to, reply_message, send
from tests.harness.running import Pep, start_pep


def _setup(app: App) -> tuple[World, int]:
    with app.sessions() as session:
        world = build_world(session, app.env)
        dean = subject(session, app.env, world.pubwatch, "BP-17", "Dean Carter", date(1990, 5, 4))
        add_photo(session, app.env, dean, "dean.png", "image/png", PNG)
        session.commit()
        return world, dean.id


def _kinds(app: App, kind: str) -> list[Delivery]:
    with app.sessions() as session:
        return list(session.scalars(select(Delivery).where(Delivery.kind == kind).order_by(Delivery.id)))


def _notice_recipients(app: App, kind: str) -> set[str]:
    return {d.to_addr for d in _kinds(app, kind)}


def test_the_board_approves_and_every_member_is_told(app: App) -> None:
    # Given a partnership whose board is its chair and one board member (quorum 2)
    world, dean_id = _setup(app)
    with app.sessions() as session:
        # When the chair proposes excluding Dean for 6 months
        ex = propose(session, app.env, session.merge(world.chair), session.get(Subject, dean_id), 6, "assault")  # type: ignore[arg-type]
        session.commit()
        ex_id = ex.id
        # Then it waits for the board, who get the proposal with a reply address
        assert ex.status == "proposed"
        [proposal] = _kinds(app, "board.exclusion.proposal")
        assert proposal.to_addr == "tom@board.example" and proposal.reply_token
        # And a plain member may not approve
        with pytest.raises(NotPermitted):
            approve(session, app.env, ex, session.merge(world.members[0]))
        # When the board member approves
        outcome = approve(session, app.env, ex, session.merge(world.board))
        session.commit()
    # Then it is in force for 6 months and every member, chair and board member gets the notice with the photo
    assert "approved (2 of 2)" in outcome
    assert _notice_recipients(app, "member.exclusion.notice") == {
        "chair@albion.example", "tom@board.example", "bar0@pubs.example", "bar1@pubs.example", "bar2@pubs.example"}
    [row] = [r for r in list_exclusions_of(app) if r["id"] == ex_id]
    assert row["status"] == "active" and row["ends_at"].date() == date(2027, 5, 27) and row["approvals"] == 2


def list_exclusions_of(app: App) -> list[dict]:  # type: ignore[type-arg]
    with app.sessions() as session:
        return list_exclusions(session)


def test_expiry_sends_a_lifting_notice_once(app: App) -> None:
    world, dean_id = _setup(app)
    with app.sessions() as session:
        ex = propose(session, app.env, session.merge(world.chair), session.get(Subject, dean_id), None, "theft")  # type: ignore[arg-type]
        approve(session, app.env, ex, session.merge(world.board))
        session.commit()
        assert ex.months == app.settings.exclusion_default_months == 12
    clock: FixedClock = app.clock  # type: ignore[assignment]
    # When the scheduler runs the day before the end, then after it, twice
    clock.set(START + timedelta(days=364))
    with app.sessions() as session:
        assert expire_exclusions(session, app.env) == 0
        session.commit()
    clock.set(START + timedelta(days=366))
    with app.sessions() as session:
        assert expire_exclusions(session, app.env) == 1
        session.commit()
    with app.sessions() as session:
        assert expire_exclusions(session, app.env) == 0
        session.commit()
    # Then members are told once that it has ended
    assert len(_kinds(app, "member.exclusion.lifted")) == 5
    assert list_exclusions_of(app)[0]["status"] == "expired"


def test_a_proposal_not_approved_in_time_lapses(app: App) -> None:
    world, dean_id = _setup(app)
    with app.sessions() as session:
        propose(session, app.env, session.merge(world.chair), session.get(Subject, dean_id), 3, "abuse")  # type: ignore[arg-type]
        session.commit()
    app.clock.advance(timedelta(days=app.settings.exclusion_proposal_days + 1))  # type: ignore[attr-defined]
    with app.sessions() as session:
        expire_exclusions(session, app.env)
        ex = session.scalars(select(Exclusion)).one()
        assert ex.status == "lapsed"
        with pytest.raises(Conflict):
            approve(session, app.env, ex, session.merge(world.board))


def test_warning_stage_extension_appeal_and_lifting(app: App, settings: Settings) -> None:
    # Given a force with a 3-month warning stage, a quorum of 1 and 2-month extensions
    app.env = app.env.__class__(settings=settings.with_changes(exclusion_warning_months=3, exclusion_quorum=1,
                                                               exclusion_extend_months=2),
                                clock=app.clock, signer=app.env.signer)
    world, dean_id = _setup(app)
    with app.sessions() as session:
        dean = session.get(Subject, dean_id)
        # When the chair first proposes an exclusion, it is a warning, in force at once
        first = propose(session, app.env, session.merge(world.chair), dean, 12, "abuse")  # type: ignore[arg-type]
        assert (first.stage, first.status, first.months) == ("warning", "warning", 3)
        # And a second proposal while it stands is refused
        with pytest.raises(Conflict):
            propose(session, app.env, session.merge(world.chair), dean, 12, "again")  # type: ignore[arg-type]
        session.commit()
    app.clock.advance(timedelta(days=95))  # type: ignore[attr-defined]
    with app.sessions() as session:
        expire_exclusions(session, app.env)
        dean = session.get(Subject, dean_id)
        # Then the next one is a full exclusion
        full = propose(session, app.env, session.merge(world.chair), dean, 12, "theft")  # type: ignore[arg-type]
        assert (full.stage, full.status) == ("exclusion", "active")
        ends = full.ends_at
        # And a new incident in that partnership extends it
        report = incident(session, app.env, dean, world.pubwatch, app.clock.now(), world.members[0], 1)  # type: ignore[arg-type]
        assert extend_on_incident(session, app.env, report) == [full]
        assert full.ends_at.month == (ends.month + 2 - 1) % 12 + 1 and full.extensions == 1  # type: ignore[union-attr]
        # And an appeal is refused until six incident-free months have passed
        with pytest.raises(Conflict, match="months"):
            lodge_appeal(session, app.env, full, "cli")
        session.commit()
        full_id = full.id
    app.clock.advance(timedelta(days=190))  # type: ignore[attr-defined]
    with app.sessions() as session:
        full = session.get(Exclusion, full_id)
        lodge_appeal(session, app.env, full, "cli")  # type: ignore[arg-type]
        # And when the appeal is upheld it is lifted early, and members are told
        lift(session, app.env, full, "cli", "appeal upheld")  # type: ignore[arg-type]
        session.commit()
        assert full.status == "lifted" and full.appeal_lodged_at is not None  # type: ignore[union-attr]
    lifted = _kinds(app, "member.exclusion.lifted")
    assert lifted and any(d.broadcast_id for d in lifted)


@pytest.fixture
def running(settings: Settings) -> Iterator[Pep]:
    pep = start_pep(settings, FixedClock(START))
    yield pep
    pep.stop()


def test_approve_by_email_reply(running: Pep) -> None:
    # Given a proposal sent to the board member
    pep = running
    world, dean_id = _setup(pep.app)
    with pep.app.sessions() as session:
        propose(session, pep.app.env, session.merge(world.chair), session.get(Subject, dean_id), 6, "assault")  # type: ignore[arg-type]
        session.commit()
    proposal = wait_until(lambda: messages_to(pep.outbox, "tom@board.example"))[0]
    assert "APPROVE" in body_text(proposal)
    assert [p.get_filename() for p in proposal.iter_attachments()] == ["dean.png"]
    reply_to = str(proposal["Reply-To"])
    # When the board member replies with something else, then with "Approve."
    send(pep.port, reply_message("tom@board.example", reply_to, "Who is this?\n"))
    answer = wait_until(lambda: messages_to(pep.outbox, "tom@board.example")[1:])[0]
    assert "APPROVE" in body_text(answer)
    send(pep.port, reply_message("tom@board.example", reply_to, "Approve.\n\n> earlier text"))
    # Then the exclusion is in force and a member receives the notice with the photo attached
    notice = wait_until(lambda: messages_to(pep.outbox, "bar1@pubs.example"))[0]
    assert "Dean Carter" in str(notice["Subject"]) and "assault" in body_text(notice)
    assert [p.get_content_type() for p in notice.iter_attachments()] == ["image/png"]
    # And a replay of the same approval is refused as used
    send(pep.port, reply_message("tom@board.example", reply_to, "APPROVE"))
    wait_until(lambda: any("answered already" in body_text(m) for m in messages_to(pep.outbox, "tom@board.example")))
    with pep.app.sessions() as session:
        assert session.scalars(select(Exclusion)).one().status == "active"
