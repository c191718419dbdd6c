"""Bulk mail carries list headers and may be DKIM-signed; suppressed people and leavers get nothing."""
from __future__ import annotations

import base64
import email
import shutil
import subprocess
from email import policy
from pathlib import Path

import dkim
import pytest
from sqlalchemy import select

from engine.app import App, build_app
from engine.clock import FixedClock
from engine.models import AuditEvent, Delivery, Person, Role
from outbound.batch import PlanCache, send_batch
from outbound.deliver import deliver
from engine.services.outbox import queue_message
from tests.harness.services import require
from tests.support.smtp_sink import SmtpSink

from .conftest import add_people, broadcast_to


def test_bulk_mail_has_list_headers_and_the_personal_greeting(sink_app: App, smtp_sink: SmtpSink) -> None:
    # Given a broadcast to two people, one with a non-ASCII name
    broadcast = broadcast_to(sink_app, add_people(sink_app, ["Ann Smith", "Zoë Ñúñez"]))
    # When it is sent
    send_batch(sink_app, PlanCache(), broadcast)
    # Then each message is bulk mail with a List-Id and a mailto List-Unsubscribe to help@ saying UNSUBSCRIBE
    received = {m.recipients[0]: email.message_from_bytes(m.data, policy=policy.default)
                for m in smtp_sink.wait_for_messages(2)}
    for message in received.values():
        assert message["Precedence"] == "bulk" and message["Auto-Submitted"] == "auto-generated"
        assert message["List-Id"] == "<member.notice.pep.test>"
        assert message["List-Unsubscribe"] == "<mailto:help@pep.test?subject=UNSUBSCRIBE>"
        assert message["Return-Path"].startswith("<bounces+")
    zoe = received["zo@shop.example"]
    assert str(zoe["To"]) == "Zoë Ñúñez <zo@shop.example>"
    assert "Dear Zoë Ñúñez," in zoe.get_body(("plain",)).get_content()
    assert "Dear Zoë Ñúñez," in zoe.get_body(("html",)).get_content()


def test_a_single_message_is_not_bulk(sink_app: App, smtp_sink: SmtpSink) -> None:
    # Given a message queued to one person (not a broadcast)
    with sink_app.sessions() as session:
        person = session.get(Person, add_people(sink_app, ["Ann Smith"])[0])
        delivery = queue_message(session, sink_app.env, "any.sender.unregistered", {"contact": "your coordinator"},
                                 person=person)
        session.commit()
    # When it is sent
    assert delivery is not None
    deliver(sink_app, delivery.id)
    # Then it has no list headers and no bulk precedence
    [received] = smtp_sink.wait_for_messages(1)
    message = email.message_from_bytes(received.data, policy=policy.default)
    assert message["Precedence"] is None and message["List-Id"] is None and message["List-Unsubscribe"] is None


def test_people_suppressed_or_gone_after_queueing_get_nothing(sink_app: App, smtp_sink: SmtpSink,
                                                              clock: FixedClock) -> None:
    # Given a broadcast queued to three people
    ann, bob, cat = add_people(sink_app, ["Ann Smith", "Bob Jones", "Cat Brown"])
    broadcast = broadcast_to(sink_app, [ann, bob, cat])
    # And then, before it is sent, Bob's address is suppressed and Cat's roles end (she left)
    with sink_app.sessions() as session:
        session.get(Person, bob).suppressed_at = clock.now()  # type: ignore[union-attr]
        for role in session.scalars(select(Role).where(Role.person_id == cat)):
            role.ended_at = clock.now()
        session.commit()
    # When the broadcast is sent
    send_batch(sink_app, PlanCache(), broadcast)
    # Then only Ann gets it, and the others' deliveries say why they were not sent
    assert [m.recipients for m in smtp_sink.wait_for_messages(1)] == [("ann@shop.example",)]
    with sink_app.sessions() as session:
        rows = {d.to_addr: d for d in session.scalars(select(Delivery).where(Delivery.broadcast_id == broadcast))}
        failed = session.scalars(select(AuditEvent).where(AuditEvent.action == "delivery.failed")).all()
    assert rows["ann@shop.example"].status == "sent"
    assert rows["bob@shop.example"].status == "failed" and "suppressed" in (rows["bob@shop.example"].last_error or "")
    assert rows["cat@shop.example"].status == "failed" and "left" in (rows["cat@shop.example"].last_error or "")
    assert len(failed) == 2
    assert len(smtp_sink.messages) == 1


def test_a_suppressed_address_gets_no_single_message_either(sink_app: App, smtp_sink: SmtpSink,
                                                           clock: FixedClock) -> None:
    # Given a single message queued, and the address suppressed before the worker gets to it
    with sink_app.sessions() as session:
        person = session.get(Person, add_people(sink_app, ["Ann Smith"])[0])
        delivery = queue_message(session, sink_app.env, "any.sender.unregistered", {"contact": "x"}, person=person)
        session.commit()
        assert delivery is not None and person is not None
        person.suppressed_at = clock.now()
        session.commit()
    # When the worker runs
    deliver(sink_app, delivery.id)
    # Then nothing was sent and the delivery failed saying why
    with sink_app.sessions() as session:
        row = session.get(Delivery, delivery.id)
    assert row is not None and row.status == "failed" and "suppressed" in (row.last_error or "")
    assert smtp_sink.messages == []


@pytest.fixture
def dkim_key(tmp_path: Path) -> tuple[Path, bytes]:
    require("openssl (to make a test key)", shutil.which("openssl") is not None)
    private = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", str(private), "2048"], check=True,
                   capture_output=True)
    public = subprocess.run(["openssl", "rsa", "-in", str(private), "-pubout", "-outform", "DER"], check=True,
                            capture_output=True).stdout
    return private, public


def test_with_a_dkim_key_every_message_is_signed_and_verifies(sink_app: App, smtp_sink: SmtpSink,
                                                               clock: FixedClock,
                                                               dkim_key: tuple[Path, bytes]) -> None:
    # Given PEP configured with a DKIM key and selector for its domain
    key_file, public = dkim_key
    signed_app = build_app(sink_app.settings.with_changes(dkim_key_file=str(key_file), dkim_selector="pep2026"),
                           clock)
    try:
        broadcast = broadcast_to(signed_app, add_people(signed_app, ["Ann Smith", "Zoë Ñúñez"]))
        # When a broadcast is sent
        send_batch(signed_app, PlanCache(), broadcast)
    finally:
        signed_app.close()
    # Then every message carries a signature that verifies against the published key
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def dns(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == b"pep2026._domainkey.pep.test." else None

    received = smtp_sink.wait_for_messages(2)
    assert len(received) == 2
    for message in received:
        assert message.data.startswith(b"DKIM-Signature:")
        assert dkim.verify(message.data, dnsfunc=dns)


def test_a_bad_dkim_key_stops_start_up_with_one_line(sink_app: App, clock: FixedClock, tmp_path: Path) -> None:
    # Given a key file that is not a key
    (tmp_path / "bad.pem").write_text("not a key")
    app = build_app(sink_app.settings.with_changes(dkim_key_file=str(tmp_path / "bad.pem"), dkim_selector="s"), clock)
    # When PEP loads it / Then a clear error names the setting
    from engine.errors import InvalidInput
    with pytest.raises(InvalidInput, match="PEP_DKIM_KEY_FILE"):
        app.dkim  # noqa: B018
    app.close()
