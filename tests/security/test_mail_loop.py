"""A mail loop with an auto-responder that hides what it is: PEP answers once, then stays quiet."""
from __future__ import annotations

import time
from email.utils import parseaddr

from engine.services.partnerships import invite
from engine.services.people import add_person
from tests.conftest import wait_until
from tests.harness.mail import messages_to, reply_message, send
from engine.settings import Settings
from tests.harness.running import Pep, start_pep
from tests.security.conftest import audit, processed

RESPONDER = "desk@autoresponder.example"
KNOWN = "keeper@shop.example"


def test_an_auto_responder_that_answers_everything_gets_one_answer_from_pep(pep: Pep) -> None:
    # Given an unregistered address whose software answers every message it gets, without any
    # Auto-Submitted or out-of-office marking (the worst kind)
    send(pep.port, reply_message(RESPONDER, "help@pep.test", "STATUS"))
    first = wait_until(lambda: messages_to(pep.outbox, RESPONDER))[0]
    # When it answers PEP's answer, ten times over, at the address it came from and at help@
    for n in range(10):
        to = "help@pep.test" if n % 2 else (parseaddr(str(first["Reply-To"] or ""))[1] or "help@pep.test")
        send(pep.port, reply_message(RESPONDER, to, f"Thank you for your message ({n}).",
                                     subject=f"Re: {first['Subject']}"))
    processed(pep, 11)
    # Then PEP answered once: the loop is broken after one reply
    assert len(messages_to(pep.outbox, RESPONDER)) == 1


def test_answers_to_one_address_are_capped_per_day_whatever_the_reason(settings: Settings) -> None:
    pep = start_pep(settings.with_changes(inbound_answers_per_day=1))
    try:
        # Given a registered person (perhaps behind a clever auto-responder) whose messages are refused
        # for different reasons: a tampered reply address, and lines PEP cannot understand
        with pep.app.sessions() as session:
            add_person(session, pep.app.env, KNOWN, "Shop Keeper", "admin")
            invite(session, pep.app.env, "Kemptown Traders", "shopwatch", "Brighton East", "chair@kemptown.example")
            session.commit()
        someone_elses = str(wait_until(lambda: messages_to(pep.outbox, "chair@kemptown.example"))[0]["Reply-To"])
        for n, (to, text) in enumerate([("reply+tampered@pep.test", "I agree"), (someone_elses, "I agree"),
                                        ("reply+forged2@pep.test", "SEND"), (someone_elses, "I agree!")]):
            send(pep.port, reply_message(KNOWN, to, text, subject=f"message {n}"))
        processed(pep, 4)
        # Then every refusal is audited with its reason, but only one answer a day goes back
        refusals = audit(pep, "inbound.refused")
        reasons = {event.details["reason"] for event in refusals}
        assert len(refusals) == 4 and len(reasons) >= 2, reasons
        assert len(audit(pep, "inbound.answered")) == 1
        time.sleep(0.3)
        assert len(messages_to(pep.outbox, KNOWN)) == 1
    finally:
        pep.stop()
