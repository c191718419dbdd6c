"""Admin command lines: how they parse, who may run which, and that a refused line changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.app import App
from engine.clock import FixedClock
from engine.commands.execute import Outcome, run_lines
from engine.commands.parse import parse_line
from engine.errors import InvalidInput, NotPermitted
from engine.models import AuditEvent, Delivery, Partnership, Role
from engine.services.areas import find_area
from engine.services.outbox import queue_message
from engine.services.people import add_person, find_person
from tests.lifecycle.force import ADMIN, CHAIR, confirm_by_token, invite_partnership, queued, small_force

HOVE_CHAIR = "chair@hovepubs.example"
HOVE_COORDINATOR = "coordinator.hove@police.example"


@pytest.mark.parametrize(("line", "verb", "args"), [
    ('INVITE a@b.example "Kemptown Traders" TYPE shopwatch AREA "Brighton East" DISC', "invite",
     {"email": "a@b.example", "name": "Kemptown Traders", "type": "shopwatch", "area": "Brighton East", "disc": "DISC"}),
    ("invite a@b.example \u201cThe Lanes\u201d type pubwatch area \u201cHove\u201d", "invite",
     {"email": "a@b.example", "name": "The Lanes", "type": "pubwatch", "area": "Hove"}),
    ("CHAIR new@b.example", "chair", {"email": "new@b.example"}),
    ('Chair new@b.example FOR "Kemptown Traders".', "chair", {"email": "new@b.example", "partnership": "Kemptown Traders"}),
    ('ADD MEMBER sam@b.example "Sam Evans"', "add_member", {"email": "sam@b.example", "name": "Sam Evans"}),
    ("add  member   sam@b.example", "add_member", {"email": "sam@b.example"}),
    ("REMOVE MEMBER sam@b.example", "remove_member", {"email": "sam@b.example"}),
    ('COORDINATOR c@police.example AREA "Hove"', "coordinator", {"email": "c@police.example", "area": "Hove"}),
    ('OFFICER o@police.example AREA "Hove"', "officer", {"email": "o@police.example", "area": "Hove"}),
    ("AUTHORING off", "authoring", {"state": "off"}),
    ("status", "status", {}),
])
def test_command_lines_parse(line: str, verb: str, args: dict[str, str]) -> None:
    # When a line is parsed, Then its verb and arguments are read, whatever the case, quotes or spacing
    command = parse_line(line)
    assert (command.verb, command.args) == (verb, args)


@pytest.mark.parametrize(("line", "says"), [
    ("PLEASE ADD MY DEPUTY", "unknown command 'PLEASE'"),
    ("CHAIR", "CHAIR is written like this"),
    ("INVITE a@b.example Kemptown TYPE shopwatch", "INVITE is written like this"),
    ("ADD MEMBER", "ADD MEMBER is written like this"),
    ("AUTHORING MAYBE", "AUTHORING is written like this"),
    ("STATUS please", "STATUS is written like this"),
])
def test_lines_that_do_not_parse_say_how_to_write_them(line: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        parse_line(line)


@pytest.fixture
def force(app: App, clock: FixedClock) -> App:
    """Admin; coordinators for Sussex and for Hove; Kemptown Traders (DISC) and Hove Pubwatch, both active."""
    small_force(app)
    invite_partnership(app, disc=True)
    invite_partnership(app, "Hove Pubwatch", HOVE_CHAIR, "Hove")
    confirm_by_token(app, CHAIR)
    confirm_by_token(app, HOVE_CHAIR)
    with app.sessions() as session:
        add_person(session, app.env, HOVE_COORDINATOR, "Sgt Hove", "coordinator", area=find_area(session, "Hove"))
        session.commit()
    return app


def _run(app: App, sender: str, *lines: str) -> list[Outcome]:
    with app.sessions() as session:
        person = find_person(session, sender)
        assert person is not None
        outcomes = run_lines(session, app.env, person, list(lines))
        session.commit()
        return outcomes


def _changes(app: App) -> tuple[int, int, int]:
    with app.sessions() as session:
        # A refused line is audited as command.refused (tests/security): that is its only trace.
        return (session.scalar(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.action != "command.refused")) or 0,
                session.scalar(select(func.count()).select_from(Delivery)) or 0,
                session.scalar(select(func.count()).select_from(Role)) or 0)


PERMISSIONS = [  # (sender, line, allowed, reason when refused)
    (HOVE_COORDINATOR, 'OFFICER pc1@police.example AREA "Hove"', True, ""),
    (HOVE_COORDINATOR, 'OFFICER pc2@police.example AREA "Brighton East"', False, "outside the areas you manage"),
    (HOVE_COORDINATOR, 'COORDINATOR c2@police.example AREA "Hove"', False, "only an admin"),
    (ADMIN, 'COORDINATOR c3@police.example AREA "Hove"', True, ""),
    (HOVE_COORDINATOR, 'INVITE x@hove.example "Hove Traders" TYPE shopwatch AREA "Hove"', True, ""),
    (HOVE_COORDINATOR, 'INVITE y@kt.example "East Traders" TYPE shopwatch AREA "Brighton East"', False,
     "outside the areas you manage"),
    (CHAIR, 'INVITE z@kt.example "Z Traders" TYPE shopwatch AREA "Brighton East"', False,
     "outside the areas you manage"),
    (CHAIR, 'ADD MEMBER sam@kemptown.example "Sam"', True, ""),
    (HOVE_CHAIR, "ADD MEMBER ann@hovepubs.example", False, "does not register its members"),
    (CHAIR, 'REMOVE MEMBER ann@hovepubs.example FOR "Hove Pubwatch"', False, "you do not manage Hove Pubwatch"),
    (HOVE_COORDINATOR, 'ADD MEMBER bob@kemptown.example FOR "Kemptown Traders"', False,
     "you do not manage Kemptown Traders"),
    (ADMIN, 'ADD MEMBER bob@kemptown.example FOR "Kemptown Traders"', True, ""),
    (CHAIR, "AUTHORING ON", True, ""),
    (ADMIN, 'AUTHORING ON FOR "Hove Pubwatch"', False, "you do not chair Hove Pubwatch"),
    (ADMIN, "AUTHORING ON", False, "say which partnership"),
    (CHAIR, "CHAIR not-an-address", False, "is not an email address"),
    (CHAIR, "CHAIR chair@kemptown.example", False, "already chairs"),
    (CHAIR, 'CHAIR boss@hovepubs.example FOR "Hove Pubwatch"', False, "you do not manage Hove Pubwatch"),
    (CHAIR, 'OFFICER pc3@police.example AREA "Hove"', False, "outside the areas you manage"),
    (CHAIR, "FROBNICATE", False, "unknown command"),
]


def test_each_sender_may_run_exactly_what_their_roles_allow(force: App) -> None:
    for sender, line, allowed, reason in PERMISSIONS:
        before = _changes(force)
        # When the sender runs the line
        [outcome] = _run(force, sender, line)
        # Then it runs, or it says why and changes nothing at all
        assert outcome.done == allowed, (sender, line, outcome.text)
        if not allowed:
            assert reason in outcome.text, (line, outcome.text)
            assert _changes(force) == before, line


def test_several_lines_each_get_an_outcome_and_a_bad_one_does_not_stop_the_rest(force: App) -> None:
    # When a chair sends four lines, two of them bad
    outcomes = _run(force, CHAIR, 'ADD MEMBER a@kemptown.example "Ann"', "PLEASE HELP",
                    "ADD MEMBER not an address", "ADD MEMBER b@kemptown.example", "STATUS")
    # Then each line has its outcome, in order, and the good ones took effect with a welcome each
    assert [o.done for o in outcomes] == [True, False, False, True, True]
    assert {d.to_addr for d in queued(force, "member.welcome")} == {"a@kemptown.example", "b@kemptown.example"}
    assert "Kemptown Traders: active" in outcomes[-1].text and "2 members" in outcomes[-1].text


def test_a_removed_member_receives_nothing_more(force: App) -> None:
    # Given a member with a message still waiting to be sent
    _run(force, CHAIR, "ADD MEMBER sam@kemptown.example")
    with force.sessions() as session:
        sam = find_person(session, "sam@kemptown.example")
        queue_message(session, force.env, "member.welcome", {"person_name": "Sam", "partnership_name": "x",
                                                            "added_by": CHAIR}, person=sam)
        session.commit()
    # When the chair removes them
    [outcome] = _run(force, CHAIR, "REMOVE MEMBER Sam@Kemptown.example")
    # Then their role has ended and nothing queued for them will be sent
    assert outcome.done
    with force.sessions() as session:
        sam = find_person(session, "sam@kemptown.example")
        assert sam is not None
        assert session.scalar(select(Role).where(Role.person_id == sam.id, Role.ended_at.is_(None))) is None
        statuses = set(session.scalars(select(Delivery.status).where(Delivery.person_id == sam.id)))
    assert statuses == {"failed"}
    # And removing them again says they are not a member
    [again] = _run(force, CHAIR, "REMOVE MEMBER sam@kemptown.example")
    assert not again.done and "not a member" in again.text


def test_chair_handover_waits_for_the_new_chair_then_retires_the_old_one(force: App, clock: FixedClock) -> None:
    # When the chair hands over, and then tries to hand over to someone else too
    first, second = _run(force, CHAIR, "CHAIR new@kemptown.example", "CHAIR other@kemptown.example")
    # Then the new chair is sent the agreement; the second request is refused; the old chair still chairs
    assert first.done and not second.done and "already waiting" in second.text
    [invitation] = queued(force, "chair.handover.invitation")
    assert invitation.to_addr == "new@kemptown.example" and invitation.reply_token
    assert queued(force, "chair.handover.invitation", "other@kemptown.example") == []
    assert "Kemptown Traders" in _run(force, CHAIR, "STATUS")[0].text
    # When the new chair agrees
    confirm_by_token(force, "new@kemptown.example")
    # Then they chair it, the old chair is retired and told, and the partnership is still active
    with force.sessions() as session:
        chairs = set(session.scalars(select(Role.person_id).where(Role.role == "chair", Role.ended_at.is_(None),
                                                                  Role.partnership_id == 1)))
        new = find_person(session, "new@kemptown.example")
        assert new is not None and chairs == {new.id}
        assert session.get(Partnership, 1).status == "active"  # type: ignore[union-attr]
    assert [d.to_addr for d in queued(force, "chair.handover.retired")] == [CHAIR]
    assert queued(force, "chair.isa.welcome", "new@kemptown.example")
    # And the old chair can no longer confirm, nor hand over again
    with pytest.raises(NotPermitted, match="no longer chair"):
        confirm_by_token(force, CHAIR)
    assert not _run(force, CHAIR, 'CHAIR x@kemptown.example FOR "Kemptown Traders"')[0].done
    # And a further handover is possible now the first is complete
    assert _run(force, "new@kemptown.example", "CHAIR third@kemptown.example")[0].done
