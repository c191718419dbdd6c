"""PEP -> a real Postfix -> the mailbox: queued deliveries are accepted by a real MTA and arrive."""
from __future__ import annotations

import email
from email import policy
from pathlib import Path

from sqlalchemy import select

from engine.app import build_app
from engine.clock import FixedClock
from engine.models import Delivery, Person
from engine.seed import seed_defaults
from engine.services.outbox import queue_message
from engine.settings import Settings
from outbound.batch import PlanCache, send_batch
from outbound.deliver import deliver
from tests.harness.kinds import kinds_folder
from tests.support.fixtures import postfix_relay  # noqa: F401 - the private Postfix and its sink
from tests.support.postfix import PrivatePostfix
from tests.support.smtp_sink import SmtpSink

from .conftest import add_people, broadcast_to


def test_deliveries_are_accepted_by_postfix_and_arrive(settings: Settings, clock: FixedClock, tmp_path: Path,
                                                       postfix_relay: tuple[PrivatePostfix, SmtpSink]) -> None:  # noqa: F811
    # Given PEP relaying through a private Postfix on loopback
    postfix, mailbox = postfix_relay
    already = len(mailbox.messages)
    app = build_app(settings.with_changes(outbound=f"smtp+plain://{postfix.host}:{postfix.port}?timeout=10",
                                          templates_dir=str(kinds_folder(tmp_path / "templates"))), clock)
    try:
        with app.sessions() as session:
            seed_defaults(session, app.env)
            session.commit()
        ids = add_people(app, ["Ann Smith", "Bob Jones", "Cat Brown"])
        # When a broadcast to three people and one single message are sent
        broadcast = broadcast_to(app, ids)
        send_batch(app, PlanCache(), broadcast)
        with app.sessions() as session:
            single = queue_message(session, app.env, "any.sender.unregistered", {"contact": "your coordinator"},
                                   person=session.get(Person, ids[0]))
            session.commit()
        assert single is not None
        deliver(app, single.id)
        # Then Postfix accepted all four (each delivery is sent) ...
        with app.sessions() as session:
            statuses = session.scalars(select(Delivery.status).where(
                Delivery.id.in_([single.id]) | (Delivery.broadcast_id == broadcast))).all()
        assert sorted(statuses) == ["sent"] * 4, postfix.log()
    finally:
        app.close()
    # ... and relayed them to the mailbox, each with Postfix's Received header and PEP's Message-ID intact
    arrived = mailbox.wait_for_messages(already + 4, timeout=30)[already:]
    assert len(arrived) == 4, postfix.log()
    recipients = sorted(r for m in arrived for r in m.recipients)
    assert recipients == ["ann@shop.example", "ann@shop.example", "bob@shop.example", "cat@shop.example"]
    for message in arrived:
        parsed = email.message_from_bytes(message.data, policy=policy.default)
        assert message.data.startswith(b"Received: ") and parsed["Message-ID"].endswith("@pep.test>")
        assert message.envelope_from.startswith("bounces+")
