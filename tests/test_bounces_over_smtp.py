"""Bounces arrive over SMTP: VERP reports score the address, suppression tells the chair, a reply resets it."""
from __future__ import annotations

import re
import smtplib
import uuid
from pathlib import Path

from sqlalchemy import select

from engine.models import BounceEvent, Delivery, InboundMessage
from engine.services.outbox import queue_message
from engine.services.partnerships import invite
from engine.services.people import add_person, find_person
from tests.conftest import wait_until
from tests.harness.mail import body_text, messages_to, outbox_messages, reply_message, send
from tests.harness.running import Pep

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bounces"
CHAIR = "chair@kemptown.example"
MEMBER = "member@kemptown.example"


def send_raw(port: int, raw: bytes, rcpt: str, mail_from: str = "") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.sendmail(mail_from, [rcpt], raw)


def fixture(name: str) -> bytes:
    """A real bounce with a fresh Message-ID, so that each copy is a new report."""
    raw = (FIXTURES / name).read_bytes()
    return re.sub(rb"^Message-ID: <[^>]*>", f"Message-ID: <{uuid.uuid4().hex}@bounce.example>".encode(), raw,
                  count=1, flags=re.M)


def _setup(pep: Pep) -> None:
    with pep.app.sessions() as session:
        partnership = invite(session, pep.app.env, "Kemptown Traders", "shopwatch", "Brighton East", CHAIR,
                             chair_name="Sam Chair")
        add_person(session, pep.app.env, MEMBER, "Mo Member", "member", partnership=partnership)
        add_person(session, pep.app.env, "stock.room@florist.example.co.uk", "Stock Room", "member",
                   partnership=partnership)
        session.commit()


def _mail_member(pep: Pep, count: int) -> list[str]:
    """Send the member `count` messages; the VERP bounce address of each."""
    with pep.app.sessions() as session:
        member = find_person(session, MEMBER)
        for n in range(count):
            queue_message(session, pep.app.env, "any.reply.refused", {"reason": f"test {n}", "next_step": "-"},
                          person=member)
        session.commit()
    sent = wait_until(lambda: len(messages_to(pep.outbox, MEMBER)) >= count and messages_to(pep.outbox, MEMBER))
    return [str(m["Return-Path"]).strip("<>") for m in sent]


def _rows(pep: Pep, count: int) -> list[InboundMessage]:
    def done() -> list[InboundMessage] | None:
        with pep.app.sessions() as session:
            rows = list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))
        return rows if len(rows) >= count and all(r.status in ("done", "duplicate") for r in rows) else None
    return wait_until(done)


def test_three_hard_bounces_suppress_the_member_and_tell_the_chair(pep: Pep) -> None:
    # Given a member who was sent three messages, each with its own VERP bounce address
    _setup(pep)
    bounce_addresses = _mail_member(pep, 3)
    assert all(a.startswith("bounces+b-") and a.endswith("@pep.test") for a in bounce_addresses)
    # When a policy rejection comes back for the first, and a hard DSN for each of them
    send_raw(pep.port, fixture("rfc3464_spamhaus_policy.eml"), bounce_addresses[0])
    for address, name in zip(bounce_addresses, ("rfc3464_postfix.eml", "exim_user_unknown.eml", "qmail.eml")):
        send_raw(pep.port, fixture(name), address)
    rows = _rows(pep, 4)
    # Then each is recorded against the member's address (VERP names it), the policy one not counted
    with pep.app.sessions() as session:
        # workers take the four concurrently, so the order of the events is not the order sent
        events = list(session.scalars(select(BounceEvent)))
        [policy] = [e for e in events if e.policy]
        assert policy.inbound_message_id == rows[0].id
        assert sorted((e.address, e.hard) for e in events if not e.policy) == [(MEMBER, True)] * 3
        assert find_person(session, MEMBER).suppressed_at is not None  # type: ignore[union-attr]
        assert {d.status for d in session.scalars(select(Delivery).where(Delivery.to_addr == MEMBER))} >= {"bounced"}
    assert sum("suppressed" in (r.outcome or "") for r in rows) == 1  # whichever was processed last
    # And the chair is told, with what the servers said; nobody answered the bounces
    warning = wait_until(lambda: [m for m in messages_to(pep.outbox, CHAIR) if "no longer reach" in str(m["Subject"])])
    text = body_text(warning[0])
    assert MEMBER in text and "5.1.1" in text
    assert not [m for m in outbox_messages(pep.outbox) if "mailer-daemon" in str(m["To"]).lower()]


def test_a_member_who_writes_in_again_is_no_longer_suppressed(pep: Pep) -> None:
    # Given a suppressed member
    _setup(pep)
    for address in _mail_member(pep, 3):
        send_raw(pep.port, fixture("rfc3464_postfix.eml"), address)
    _rows(pep, 3)
    # When they write to help@ from their address
    send(pep.port, reply_message(MEMBER, "help@pep.test", "STATUS\n", subject="status"))
    # Then they are no longer suppressed and get the answer
    answer = wait_until(lambda: [m for m in messages_to(pep.outbox, MEMBER) if "help@" in str(m["Subject"])])
    assert "Kemptown Traders" in body_text(answer[0])
    with pep.app.sessions() as session:
        assert find_person(session, MEMBER).suppressed_at is None  # type: ignore[union-attr]
        assert all(e.cleared_at is not None for e in session.scalars(select(BounceEvent)))


def test_a_bounce_at_another_address_counts_when_it_names_someone_pep_writes_to(pep: Pep) -> None:
    # Given a registered member whose address a mail server reports as unknown
    _setup(pep)
    # When that report arrives at help@ (a server that ignored the envelope sender), and one naming a stranger
    send_raw(pep.port, fixture("exim_user_unknown.eml"), "help@pep.test")
    send_raw(pep.port, fixture("sendmail_text.eml"), "help@pep.test")
    rows = _rows(pep, 2)
    # Then the first is evidence against that member, the second is only noted; neither is answered
    assert "counted" in (rows[0].outcome or "") and "ignored" in (rows[1].outcome or "")
    with pep.app.sessions() as session:
        [event] = session.scalars(select(BounceEvent))
        assert event.address == "stock.room@florist.example.co.uk" and event.inbound_message_id == rows[0].id
    assert all(r.classification == "bounce" for r in rows)
