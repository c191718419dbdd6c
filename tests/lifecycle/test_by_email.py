"""By email through real SMTP: admin@ commands wait for the sender's CONFIRM, and a chair hands over by
replying CHAIR to a reminder; the new chair's I AGREE retires the old one, with the evidence kept."""
from __future__ import annotations

import time
from datetime import datetime, timezone

from sqlalchemy import select

from engine.clock import FixedClock
from engine.models import InboundMessage, Partnership
from engine.scheduler.tick import run_tick
from engine.services.people import find_person
from engine.services.isa_evidence import evidence_rows
from tests.conftest import wait_until
from tests.harness.mail import body_text, messages_to, reply_message, send
from tests.harness.running import Pep
from tests.lifecycle.force import CHAIR, confirm_by_token, invite_partnership

NEW_CHAIR = "new.chair@kemptown.example"


def _processed(pep: Pep, count: int) -> list[InboundMessage]:
    def done() -> list[InboundMessage] | None:
        with pep.app.sessions() as session:
            rows = list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))
        return rows if len(rows) >= count and all(r.status in ("done", "duplicate") for r in rows) else None
    return wait_until(done)


def _member(pep: Pep, email: str) -> bool:
    with pep.app.sessions() as session:
        return find_person(session, email) is not None


def test_emailed_commands_take_effect_only_when_the_registered_sender_confirms(
        pep_at_fixed_time: tuple[Pep, FixedClock]) -> None:
    pep, _clock = pep_at_fixed_time
    # Given an active DISC partnership whose chair has their welcome
    invite_partnership(pep.app, disc=True)
    confirm_by_token(pep.app, CHAIR)
    wait_until(lambda: len(messages_to(pep.outbox, CHAIR)) == 2)
    # When a message "from" the chair reaches admin@ with three lines (anyone can forge a From line)
    send(pep.port, reply_message(CHAIR, "admin@pep.test",
                                 'ADD MEMBER sam@kemptown.example "Sam Evans"\nAUTHORING ON\nPLEASE CALL ME\n',
                                 subject="members"))
    # Then nothing has happened yet: the chair's registered address gets a summary to CONFIRM
    summary = wait_until(lambda: messages_to(pep.outbox, CHAIR)[2:])[0]
    text = body_text(summary)
    assert "CONFIRM" in text and "ADD MEMBER sam@kemptown.example" in text and "PLEASE CALL ME" in text
    reply_to = str(summary["Reply-To"])
    assert reply_to.startswith("reply+c-")
    assert not _member(pep, "sam@kemptown.example")
    # When someone else answers CONFIRM to that summary
    send(pep.port, reply_message("intruder@elsewhere.example", reply_to, "CONFIRM"))
    _processed(pep, 2)
    # Then still nothing happens
    assert not _member(pep, "sam@kemptown.example")
    # When the chair replies CONFIRM
    send(pep.port, reply_message(CHAIR, reply_to, "Confirm.\n\n> Reply CONFIRM to carry out your commands"))
    # Then the commands run, the chair gets one reply listing each line, and the member is welcomed
    outcome = wait_until(lambda: [m for m in messages_to(pep.outbox, CHAIR)
                                  if "What happened" in str(m["Subject"])])[0]
    assert "added to Kemptown Traders" in body_text(outcome) and "publish straight to all members" in body_text(outcome)
    welcome = wait_until(lambda: messages_to(pep.outbox, "sam@kemptown.example"))[0]
    assert "Kemptown Traders" in body_text(welcome)
    with pep.app.sessions() as session:
        assert session.get(Partnership, 1).authoring_agreed  # type: ignore[union-attr]
    # And confirming twice runs nothing twice
    send(pep.port, reply_message(CHAIR, reply_to, "CONFIRM"))
    rows = _processed(pep, 4)
    assert "used" in (rows[-1].outcome or "")


def test_a_chair_hands_over_by_replying_to_a_reminder(pep_at_fixed_time: tuple[Pep, FixedClock]) -> None:
    pep, clock = pep_at_fixed_time
    # Given an active partnership whose chair receives the 14-day reminder
    pid = invite_partnership(pep.app)
    confirm_by_token(pep.app, CHAIR)
    clock.set(datetime(2027, 11, 13, 9, 30, tzinfo=timezone.utc))
    assert run_tick(pep.app)["isa.reminders"] == 1
    reminder = wait_until(lambda: [m for m in messages_to(pep.outbox, CHAIR) if "runs out" in str(m["Subject"])])[0]
    assert "CHAIR" in body_text(reminder)
    # When the chair replies naming their successor
    send(pep.port, reply_message(CHAIR, str(reminder["Reply-To"]), f"Chair {NEW_CHAIR}\n\nThanks, Jo"))
    # Then the successor gets the agreement, the chair is told, and the chair keeps the role for now
    invitation = wait_until(lambda: messages_to(pep.outbox, NEW_CHAIR))[0]
    told = wait_until(lambda: [m for m in messages_to(pep.outbox, CHAIR) if "What happened" in str(m["Subject"])])
    assert "stays until they agree" in body_text(told[0])
    # When the successor agrees
    send(pep.port, reply_message(NEW_CHAIR, str(invitation["Reply-To"]), "I agree"))
    # Then the old chair is retired and told, and the evidence of the new agreement is kept with the raw reply
    retired = wait_until(lambda: [m for m in messages_to(pep.outbox, CHAIR) if "is now the contact" in str(m["Subject"])])
    assert NEW_CHAIR in body_text(retired[0])
    with pep.app.sessions() as session:
        partnership = session.get(Partnership, pid)
        assert partnership is not None and partnership.status == "active"
        latest = evidence_rows(session, partnership)[-1]
    assert latest["confirmed_by"] == NEW_CHAIR and "I agree" in latest["raw_reply"]
    assert latest["isa_version"] == 1 and latest["from"] == NEW_CHAIR
    wait_until(lambda: len(messages_to(pep.outbox, NEW_CHAIR)) >= 2)
    time.sleep(0.2)
    assert len(messages_to(pep.outbox, NEW_CHAIR)) == 2  # the agreement and the welcome, nothing else
