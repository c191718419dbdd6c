"""Privilege: people acting beyond their roles are refused, the refusal audited, and nothing changes."""
from __future__ import annotations

import time
from email.message import EmailMessage

from sqlalchemy import select

from engine.models import Person, Publication, Role
from tests.conftest import wait_until
from tests.harness.force import area, officer, partnership
from tests.harness.mail import body_text, messages_to, reply_message, send
from tests.harness.running import Pep
from tests.security.conftest import Cli, audit, processed

KEMPTOWN_CHAIR = "chair@kemptown-pubwatch.example"
MEMBER = "m0@kemptown-pubwatch.example"
COORDINATOR = "coord@police.example"
OFFICER = "pc.okafor@police.example"
LAPSED_CHAIR = "chair@lapsed-pubwatch.example"


def _force(pep: Pep) -> None:
    with pep.app.sessions() as session:
        env = pep.app.env
        area(session, env, "Brighton West", "Sussex")
        partnership(session, env, "Kemptown Pubwatch", "pubwatch", "Brighton East", members=1)
        partnership(session, env, "West Pubwatch", "pubwatch", "Brighton West")
        partnership(session, env, "Lapsed Pubwatch", "pubwatch", "Brighton West", status="lapsed", isa_current=False)
        officer(session, env, COORDINATOR, "Brighton East", role="coordinator")
        officer(session, env, OFFICER, "Brighton West")
        session.commit()


def _roles(pep: Pep, email: str) -> list[str]:
    with pep.app.sessions() as session:
        person = session.scalar(select(Person).where(Person.email == email))
        if person is None:
            return []
        return sorted(r.role for r in session.scalars(select(Role).where(Role.person_id == person.id,
                                                                         Role.ended_at.is_(None))))


BEYOND_ROLE = [  # (who, line, the person it would have given a role to)
    (MEMBER, 'COORDINATOR mallory@police.example AREA "Sussex"', "mallory@police.example"),
    (MEMBER, 'ADD MEMBER mallory@evil.example FOR "Kemptown Pubwatch"', "mallory@evil.example"),
    (COORDINATOR, 'INVITE mallory@evil.example "Evil Watch" TYPE pubwatch AREA "Brighton West"',
     "mallory@evil.example"),
    (COORDINATOR, 'OFFICER mallory@police.example AREA "Sussex"', "mallory@police.example"),
    (KEMPTOWN_CHAIR, 'ADD MEMBER mallory@evil.example FOR "West Pubwatch"', "mallory@evil.example"),
    (KEMPTOWN_CHAIR, 'CHAIR mallory@evil.example FOR "West Pubwatch"', "mallory@evil.example"),
]


def test_a_command_beyond_the_senders_role_is_refused_and_audited(pep: Pep, cli: Cli) -> None:
    # Given a force with a member, a chair and a coordinator of Brighton East
    _force(pep)
    for n, (who, line, victim) in enumerate(BEYOND_ROLE, 1):
        # When one of them runs a command outside what their role allows
        code, _out, err = cli("admin", "run", "--as", who, line)
        # Then it is refused in one line with status 2, nothing changed, and the refusal is audited
        assert code == 2 and "refused" in err, line
        assert _roles(pep, victim) == [], line
        refused = audit(pep, "command.refused")
        assert len(refused) == n and refused[-1].actor == who and refused[-1].details["line"] == line


def test_a_chair_acting_on_another_partnership_by_email_is_refused_after_confirm(pep: Pep) -> None:
    # Given the chair of Kemptown Pubwatch
    _force(pep)
    # When they email admin@ to add a member to West Pubwatch, and CONFIRM from their own address
    send(pep.port, reply_message(KEMPTOWN_CHAIR, "admin@pep.test", 'ADD MEMBER mallory@evil.example FOR "West Pubwatch"'))
    summary = wait_until(lambda: messages_to(pep.outbox, KEMPTOWN_CHAIR))[0]
    send(pep.port, reply_message(KEMPTOWN_CHAIR, str(summary["Reply-To"]), "CONFIRM"))
    processed(pep, 2)
    # Then the line is refused and audited, and the chair is told why
    wait_until(lambda: audit(pep, "command.refused"))
    assert _roles(pep, "mallory@evil.example") == []
    outcome = wait_until(lambda: messages_to(pep.outbox, KEMPTOWN_CHAIR)[1:])[0]
    assert "West Pubwatch" in body_text(outcome)


def _draft() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"] = OFFICER, "alerts@pep.test"
    message["Subject"] = "John Smith wanted for burglary"
    message.set_content("Audience: pubwatch\nArea: Brighton West\nCategory: wanted\nReach: chairs\n"
                        "Expires: 14 days\n\nJohn Smith, 42, is wanted on warrant.\n")
    return message


def test_personal_data_never_reaches_a_lapsed_partnership(pep: Pep) -> None:
    # Given Brighton West has one current pubwatch and one whose ISA has lapsed
    _force(pep)
    # When an officer sends a wanted-person alert (personal data) to the pubwatches there and SENDs it
    send(pep.port, _draft())
    preview = wait_until(lambda: messages_to(pep.outbox, OFFICER))[0]
    assert "Lapsed Pubwatch" not in body_text(preview)
    send(pep.port, reply_message(OFFICER, str(preview["Reply-To"]), "SEND"))
    wait_until(lambda: messages_to(pep.outbox, "chair@west-pubwatch.example"))
    # Then the lapsed partnership's chair gets nothing, and the gate's audit names only the current one
    time.sleep(0.3)
    assert messages_to(pep.outbox, LAPSED_CHAIR) == []
    disclosed = audit(pep, "gate.disclosed")
    with pep.app.sessions() as session:
        lapsed_chair = session.scalar(select(Person.id).where(Person.email == LAPSED_CHAIR))
        assert session.scalar(select(Publication.status)) == "published"
    assert disclosed and all(e.details.get("person_id") != lapsed_chair for e in disclosed)


def test_publishing_only_to_a_lapsed_partnership_is_refused_and_audited(pep: Pep) -> None:
    # Given the only pubwatch in an area has lapsed
    _force(pep)
    with pep.app.sessions() as session:
        area(session, pep.app.env, "Hove", "Sussex")
        partnership(session, pep.app.env, "Hove Pubwatch", "pubwatch", "Hove", status="lapsed", isa_current=False)
        officer(session, pep.app.env, "pc.hove@police.example", "Hove")
        session.commit()
    draft = _draft()
    draft.replace_header("From", "pc.hove@police.example")
    draft.set_content("Audience: pubwatch\nArea: Hove\nCategory: wanted\nReach: chairs\nExpires: 14 days\n\n"
                      "John Smith, 42, is wanted on warrant.\n")
    # When its officer tries to send a wanted-person alert there
    send(pep.port, draft)
    answer = wait_until(lambda: messages_to(pep.outbox, "pc.hove@police.example"))[0]
    processed(pep, 1)
    # Then the draft is refused (no SEND is offered), the refusal audited, and the lapsed chair gets nothing
    assert "nothing has been sent" in body_text(answer) and not answer["Reply-To"]
    previewed = audit(pep, "publication.previewed")
    assert len(previewed) == 1 and previewed[0].details["recipients"] == 0 and previewed[0].details["errors"]
    time.sleep(0.3)
    assert messages_to(pep.outbox, "chair@hove-pubwatch.example") == []
    with pep.app.sessions() as session:
        assert session.scalar(select(Publication.id)) is None
