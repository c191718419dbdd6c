"""MOPI review: the owning officer is reminded when the review date comes, and answers RETAIN <months>
<reason> or DISPOSE by reply; beyond the policy maximum, or from someone else, nothing changes."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.app import App
from engine.clock import FixedClock
from engine.errors import InvalidInput, NotPermitted
from engine.models import Delivery, Subject
from engine.retention.review import apply_decision, parse_decision, send_reminders
from engine.services.people import add_person, get_person
from tests.conftest import wait_until
from tests.harness.force import area, officer
from tests.harness.mail import body_text, messages_to, reply_message, send
from tests.harness.running import Pep

OWNER = "pc.owner@police.example"


def _subject(session, env, owner_email: str, review_at: datetime) -> Subject:  # type: ignore[no-untyped-def]
    area(session, env, "Sussex")
    owner = officer(session, env, owner_email, "Sussex")
    row = Subject(source="police", category="wanted", ref="W-2026-0042", name="Sam Stone", aliases=[],
                  owner_id=owner.id, expires_at=review_at + timedelta(days=30), review_at=review_at,
                  created_at=review_at - timedelta(days=90))
    session.add(row)
    session.flush()
    return row


@pytest.mark.parametrize(("line", "sender", "error", "disposed", "months"), [
    ("RETAIN 6 still under investigation", OWNER, None, False, 6),
    ("retain 24 months: linked to an open case", OWNER, None, False, 24),
    ("RETAIN 25 forever", OWNER, InvalidInput, False, None),          # beyond PEP_RETAIN_MAX_MONTHS (24)
    ("RETAIN 6", OWNER, InvalidInput, False, None),                   # no reason
    ("DISPOSE", "other.officer@police.example", NotPermitted, False, None),
    ("DISPOSE", "admin@police.example", None, True, None),
    ("Dispose.", OWNER, None, True, None),
])
def test_retain_and_dispose_decisions(app: App, clock: FixedClock, line: str, sender: str,
                                      error: type[Exception] | None, disposed: bool, months: int | None) -> None:
    with app.sessions() as session:
        env = app.env
        subject = _subject(session, env, OWNER, clock.now())
        officer(session, env, "other.officer@police.example", "Sussex")
        add_person(session, env, "admin@police.example", "Admin", "admin")
        before = subject.review_at
        # When `sender` answers the review with `line`
        person = get_person(session, sender)
        if error is not None:
            with pytest.raises(error):
                apply_decision(session, env, person, subject, parse_decision(env, line))  # type: ignore[arg-type]
            # Then nothing changes
            assert subject.review_at == before and subject.disposed_at is None and subject.name == "Sam Stone"
            return
        outcome = apply_decision(session, env, person, subject, parse_decision(env, line))  # type: ignore[arg-type]
        # Then the subject is disposed of, or kept with a review date that many months on
        assert (subject.disposed_at is not None) is disposed
        if months is not None:
            assert subject.review_at.month == (clock.now().month + months - 1) % 12 + 1
            assert f"{months} more months" in outcome


def test_reminder_goes_once_to_the_owner_and_a_retain_reply_keeps_the_record(pep: Pep) -> None:
    # Given a subject whose review date has passed
    with pep.app.sessions() as session:
        subject_id = _subject(session, pep.app.env, OWNER, pep.app.clock.now() - timedelta(hours=1)).id
        # When reminders are sent twice
        assert send_reminders(session, pep.app.env) == 1
        assert send_reminders(session, pep.app.env) == 0
        session.commit()
    [reminder] = wait_until(lambda: messages_to(pep.outbox, OWNER))
    assert "RETAIN" in body_text(reminder) and "W-2026-0042" in str(reminder["Subject"])
    # When the owner asks for too long, Then they are told the maximum and nothing changes
    send(pep.port, reply_message(OWNER, str(reminder["Reply-To"]), "RETAIN 36 busy case\n"))
    refusal = wait_until(lambda: messages_to(pep.outbox, OWNER)[1:])[0]
    assert "policy maximum of 24" in body_text(refusal)
    # When they reply RETAIN 6 with a reason, Then the review date moves six months on and they are told
    send(pep.port, reply_message(OWNER, str(reminder["Reply-To"]), "RETAIN 6 still under investigation\n"))
    outcome = wait_until(lambda: messages_to(pep.outbox, OWNER)[2:])[0]
    assert "kept for 6 more months" in body_text(outcome)
    with pep.app.sessions() as session:
        subject = session.get(Subject, subject_id)
        assert subject is not None and subject.review_at > pep.app.clock.now() + timedelta(days=170)
        assert session.scalar(select(Delivery.id).where(Delivery.kind == "police.review.reminder")) is not None
