"""A broadcast reaches each recipient once, personalised, as bulk mail, through the running workers."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import Person
from engine.services.fanout import fan_out
from engine.services.people import add_person
from tests.conftest import wait_until
from tests.harness.mail import body_text, outbox_messages
from tests.harness.running import Pep


def test_each_recipient_gets_one_personalised_bulk_message(pep: Pep) -> None:
    # Given three registered people
    app = pep.app
    with app.sessions() as session:
        for name in ("Ann", "Bob", "Cat"):
            add_person(session, app.env, f"{name.lower()}@shop.example", f"{name} Smith", "admin")
        session.commit()
    # When a message is fanned out to all of them
    with app.sessions() as session:
        fan_out(session, app.env, "chair.isa.welcome", {"person_name": "Member", "partnership_name": "Hove Pubwatch",
                                                       "isa_version": 1, "confirmed_until": "2027-11-27"},
                select(Person.id))
        session.commit()
    # Then each gets exactly one message addressed to them, marked as bulk, with the shared values
    messages = wait_until(lambda: (m := outbox_messages(pep.outbox)) and len(m) >= 3 and m)
    assert sorted(str(m["To"]) for m in messages) == ["Ann Smith <ann@shop.example>", "Bob Smith <bob@shop.example>",
                                                      "Cat Smith <cat@shop.example>"]
    assert all(m["Precedence"] == "bulk" and "Hove Pubwatch" in body_text(m) for m in messages)
    assert len({m["Message-ID"] for m in messages}) == 3
