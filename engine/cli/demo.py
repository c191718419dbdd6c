"""`pep demo`: a populated demo force and a narrated end-to-end run over real SMTP."""
from __future__ import annotations

import argparse
import smtplib
import time
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select

from engine.cli.context import make_app
from engine.errors import PepError
from engine.migrate import upgrade
from engine.models import Delivery, Partnership
from engine.runtime import Runtime
from engine.seed import seed_defaults
from engine.services.areas import add_area, find_area
from engine.services.partnerships import invite
from engine.services.people import add_person, find_person

CHAIR = "chair@kemptown-traders.example"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="a demo force and a narrated end-to-end run")
    p.set_defaults(func=run)


def say(text: str) -> None:
    print(f"• {text}", flush=True)


def _wait_for(app, predicate, seconds: float = 90.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.sessions() as session:
            found = predicate(session)
            if found:
                return found
        time.sleep(0.1)
    raise PepError("the demo timed out waiting for PEP: see `pep inbound list` and `pep delivery list`")


def run(args: argparse.Namespace) -> int:
    app = make_app()
    upgrade(app.db)
    with app.sessions() as session:
        seed_defaults(session, app.env)
        for name, parent in (("Sussex", None), ("Brighton and Hove", "Sussex"), ("Brighton East", "Brighton and Hove")):
            try:
                find_area(session, name)
            except PepError:
                add_area(session, app.env, name, parent, actor="pep demo")
        if find_person(session, "admin@police.example") is None:
            add_person(session, app.env, "admin@police.example", "Demo Admin", "admin", actor="pep demo")
        session.commit()
    settings = app.settings.with_changes(smtp_listen="127.0.0.1:0")
    app.settings = settings
    runtime = Runtime(app).start()
    assert runtime.intake is not None
    try:
        say(f"PEP is listening for mail on 127.0.0.1:{runtime.intake.port} for @{settings.domain}")
        name = f"Kemptown Traders {int(time.time())}"
        with app.sessions() as session:
            partnership = invite(session, app.env, name, "shopwatch", "Brighton East", CHAIR,
                                 invited_by="admin@police.example", chair_name="Sam Chair")
            session.commit()
            pid = partnership.id
        say(f"An admin invited the shopwatch '{name}'; its chair is {CHAIR}")
        invitation = _wait_for(app, lambda s: s.scalar(select(Delivery).where(
            Delivery.kind == "chair.isa.invitation", Delivery.status == "sent").order_by(Delivery.id.desc())))
        say(f"The invitation with the ISA was sent (Message-ID {invitation.message_id}); "
            f"its Reply-To is {invitation.reply_token}")
        reply = EmailMessage()
        reply["From"] = f"Sam Chair <{CHAIR}>"
        reply["To"] = invitation.reply_token
        reply["Subject"] = "Re: Information Sharing Agreement"
        reply["Message-ID"] = make_msgid(domain="kemptown-traders.example")
        reply["In-Reply-To"] = invitation.message_id
        reply.set_content(f"I agree.\n\nSam\n\nOn a day, PEP <{settings.from_address}> wrote:\n> Please reply I AGREE\n")
        with smtplib.SMTP("127.0.0.1", runtime.intake.port) as smtp:
            smtp.send_message(reply, from_addr=CHAIR, to_addrs=[invitation.reply_token])
        say("The chair replied 'I agree.' by email, through SMTP")
        _wait_for(app, lambda s: s.get(Partnership, pid).status == "active")  # type: ignore[union-attr]
        say(f"The partnership '{name}' is now active")
        _wait_for(app, lambda s: s.scalar(select(Delivery).where(
            Delivery.kind == "chair.isa.welcome", Delivery.to_addr == CHAIR, Delivery.status == "sent",
            Delivery.id > invitation.id)))
        say(f"A welcome went to the chair; every message is a file in {settings.outbound.removeprefix('maildir:')}")
        say("See it all: `pep audit list`, `pep partnership list`, `pep delivery list`")
    finally:
        runtime.stop()
        app.close()
    return 0



