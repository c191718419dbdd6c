"""End to end through real sockets: invite a partnership, the chair replies I AGREE, it becomes active."""
from __future__ import annotations

import re
import smtplib
import uuid
from typing import Iterator

import pytest
from sqlalchemy import select

from engine.app import App
from engine.models import AuditEvent, IsaConfirmation, Partnership
from engine.services.partnerships import invite
from engine.settings import Settings
from tests.conftest import wait_until
from tests.harness.mail import body_text, messages_to, reply_message, send
from tests.harness.running import Pep, start_pep
from tests.harness.services import REDIS_URL, require_redis

CHAIR = "chair@kemptown.example"


@pytest.fixture(params=["in-process", "redis"])
def running(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Pep]:
    if request.param == "redis":
        require_redis()
        settings = settings.with_changes(broker_url=REDIS_URL, queue_namespace=f"pep-test-{uuid.uuid4().hex[:8]}")
    pep = start_pep(settings)
    yield pep
    pep.stop()


def invite_kemptown(app: App) -> int:
    with app.sessions() as session:
        partnership = invite(session, app.env, "Kemptown Traders", "shopwatch", "Brighton East", CHAIR,
                             invited_by="admin@police.example")
        session.commit()
        return partnership.id


def test_chair_confirms_isa_by_email_and_partnership_becomes_active(running: Pep) -> None:
    app, pep = running.app, running
    # Given an invited partnership whose chair has received the ISA by email
    pid = invite_kemptown(app)
    invitation = wait_until(lambda: messages_to(pep.outbox, CHAIR))[0]
    reply_to = str(invitation["Reply-To"])
    assert re.fullmatch(r"reply\+i-[0-9a-z-]+@pep\.test", reply_to)
    assert "I AGREE" in body_text(invitation)
    attached = [p.get_filename() for p in invitation.iter_attachments()]
    assert any(name and name.startswith("information-sharing-agreement") for name in attached)
    assert invitation.get_body(preferencelist=("html",)) is not None
    # When the chair replies "I agree." above the quoted invitation, through SMTP
    quoted = "\n".join("> " + line for line in body_text(invitation).splitlines())
    send(pep.port, reply_message(CHAIR, reply_to, f"I agree.\n\nOn Friday, PEP wrote:\n{quoted}\n",
                                            in_reply_to=str(invitation["Message-ID"])))
    # Then the partnership becomes active, the confirmation keeps its evidence, and a welcome arrives
    wait_until(lambda: len(messages_to(pep.outbox, CHAIR)) == 2)
    with app.sessions() as session:
        assert session.get(Partnership, pid).status == "active"
        confirmation = session.scalar(select(IsaConfirmation).where(IsaConfirmation.partnership_id == pid))
        assert confirmation.inbound_message_id is not None and confirmation.evidence["from"] == CHAIR
        actions = set(session.scalars(select(AuditEvent.action)))
    welcome = messages_to(pep.outbox, CHAIR)[1]
    assert "Kemptown Traders" in body_text(welcome)
    assert {"partnership.invited", "isa.confirmed", "partnership.status", "delivery.sent"} <= actions


def test_unknown_recipient_is_refused_at_rcpt(running: Pep) -> None:
    pep = running
    # Given the intake, When a message is addressed to an address PEP does not have
    with smtplib.SMTP("127.0.0.1", pep.port, timeout=10) as smtp:
        smtp.ehlo()
        smtp.mail("someone@example.org")
        code, _ = smtp.rcpt("nobody@pep.test")
        other, _ = smtp.rcpt("chair@elsewhere.example")
    # Then it is refused with 550 before DATA
    assert code == 550 and other == 550
