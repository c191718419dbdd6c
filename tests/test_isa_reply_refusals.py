"""Anything but a genuine `I AGREE` from the chair changes nothing and gets at most one clear answer."""
from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from engine.clock import FixedClock
from engine.models import InboundMessage, Partnership
from engine.services.partnerships import invite
from engine.services.people import add_person
from engine.settings import Settings
from tests.conftest import wait_until
from tests.harness.mail import body_text, messages_to, reply_message, send
from tests.harness.running import Pep, start_pep

CHAIR = "chair@kemptown.example"
OTHER = "member@elsewhere.example"


def _invite(pep: Pep) -> tuple[int, str]:
    with pep.app.sessions() as session:
        add_person(session, pep.app.env, OTHER, "Other Person", "admin")
        pid = invite(session, pep.app.env, "Kemptown Traders", "shopwatch", "Brighton East", CHAIR).id
        session.commit()
    invitation = wait_until(lambda: messages_to(pep.outbox, CHAIR))[0]
    return pid, str(invitation["Reply-To"])


def _status(pep: Pep, pid: int) -> str:
    with pep.app.sessions() as session:
        return session.get(Partnership, pid).status  # type: ignore[union-attr]


def _processed(pep: Pep, count: int) -> list[InboundMessage]:
    def done() -> list[InboundMessage] | None:
        with pep.app.sessions() as session:
            rows = list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))
        return rows if len(rows) >= count and all(r.status in ("done", "duplicate") for r in rows) else None
    return wait_until(done)


def test_a_reply_that_does_not_agree_gets_a_clarifying_answer_and_changes_nothing(pep: Pep) -> None:
    # Given an invited partnership
    pid, reply_to = _invite(pep)
    # When the chair replies with a question, and then with "I do not agree"
    send(pep.port, reply_message(CHAIR, reply_to, "What does this mean for my shop?\n"))
    send(pep.port, reply_message(CHAIR, reply_to, "I do not agree.\n"))
    _processed(pep, 2)
    # Then the partnership is still invited and the chair is told what to reply (once per day and reason)
    assert _status(pep, pid) == "invited"
    answers = wait_until(lambda: messages_to(pep.outbox, CHAIR)[1:])
    assert "I AGREE" in body_text(answers[0])
    time.sleep(0.3)
    assert len(messages_to(pep.outbox, CHAIR)) == 2
    # And the token still works for a genuine agreement afterwards
    send(pep.port, reply_message(CHAIR, reply_to, "Yes, I agree\n"))
    wait_until(lambda: _status(pep, pid) == "active")


def test_forged_and_tampered_replies_change_nothing(pep: Pep) -> None:
    # Given an invited partnership
    pid, reply_to = _invite(pep)
    local, domain = reply_to.split("@")
    tampered = f"{local[:-1]}{'a' if local[-1] != 'a' else 'b'}@{domain}"
    # When another registered person uses the chair's token, someone unregistered does, and the chair
    # sends "I agree" to a tampered address
    send(pep.port, reply_message(OTHER, reply_to, "I agree"))
    send(pep.port, reply_message("stranger@nowhere.example", reply_to, "I agree"))
    send(pep.port, reply_message(CHAIR, tampered, "I agree"))
    rows = _processed(pep, 3)
    # Then nothing changed, and each is recorded with its reason
    assert _status(pep, pid) == "invited"
    outcomes = [r.outcome or "" for r in rows]
    assert "wrong_sender" in outcomes[0] and "unregistered" in outcomes[1] and "invalid" in outcomes[2]
    wait_until(lambda: messages_to(pep.outbox, OTHER) and messages_to(pep.outbox, "stranger@nowhere.example"))


def test_a_used_token_cannot_be_replayed(pep: Pep) -> None:
    pid, reply_to = _invite(pep)
    send(pep.port, reply_message(CHAIR, reply_to, "I agree"))
    wait_until(lambda: _status(pep, pid) == "active")
    # When the same agreement is sent again
    send(pep.port, reply_message(CHAIR, reply_to, "I agree"))
    rows = _processed(pep, 2)
    # Then it is refused as used, and only one confirmation exists
    assert "used" in (rows[1].outcome or "")


def test_automatic_mail_is_never_answered(pep: Pep) -> None:
    pid, reply_to = _invite(pep)
    # When an out-of-office reply arrives at the reply address
    send(pep.port, reply_message(CHAIR, reply_to, "I am out of the office until Monday. I agree to nothing.",
                                 subject="Automatic reply: Information Sharing Agreement",
                                 extra={"Auto-Submitted": "auto-replied"}))
    rows = _processed(pep, 1)
    # Then nothing changes and no answer is sent
    assert rows[0].classification == "automatic"
    time.sleep(0.3)
    assert _status(pep, pid) == "invited" and len(messages_to(pep.outbox, CHAIR)) == 1


def test_dmarc_fail_from_the_trusted_mta_is_refused_silently(settings: Settings) -> None:
    pep = start_pep(settings.with_changes(trusted_authserv_id="mx.pep.test"))
    try:
        pid, reply_to = _invite(pep)
        # When the trusted MTA says DMARC failed for the chair's "I agree"
        send(pep.port, reply_message(CHAIR, reply_to, "I agree", extra={
            "Authentication-Results": "mx.pep.test; spf=fail smtp.mailfrom=kemptown.example; "
                                      "dkim=none; dmarc=fail header.from=kemptown.example"}))
        rows = _processed(pep, 1)
        # Then nothing changes, nothing is answered, and the reason is recorded
        assert "dmarc_fail" in (rows[0].outcome or "") and rows[0].auth.get("dmarc") == "fail"
        time.sleep(0.3)
        assert _status(pep, pid) == "invited" and len(messages_to(pep.outbox, CHAIR)) == 1
    finally:
        pep.stop()


def test_an_expired_invitation_is_refused(pep_at_fixed_time: tuple[Pep, FixedClock]) -> None:
    pep, clock = pep_at_fixed_time
    pid, reply_to = _invite(pep)
    # When the chair agrees after the invitation's token has expired
    clock.advance(timedelta(days=pep.app.settings.invitation_valid_days + 1))
    send(pep.port, reply_message(CHAIR, reply_to, "I agree"))
    rows = _processed(pep, 1)
    # Then it is refused as expired, and the chair is told to ask for a new one
    assert "expired" in (rows[0].outcome or "")
    assert _status(pep, pid) == "invited"
    answer = wait_until(lambda: messages_to(pep.outbox, CHAIR)[1:])[0]
    assert "expired" in body_text(answer).lower()
