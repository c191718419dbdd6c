"""help@ over SMTP: several commands in one message, one reply listing each line's outcome."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import InboundMessage, Person
from engine.services.partnerships import invite
from tests.conftest import wait_until
from tests.harness.mail import body_text, messages_to, reply_message, send
from tests.harness.running import Pep

CHAIR = "chair@kemptown.example"
HELP = "help@pep.test"


def _answers(pep: Pep, address: str) -> list:  # type: ignore[type-arg]
    return [m for m in messages_to(pep.outbox, address) if HELP in str(m["Subject"])]


def test_several_commands_get_one_reply_listing_each_outcome(pep: Pep) -> None:
    # Given a registered chair
    with pep.app.sessions() as session:
        invite(session, pep.app.env, "Kemptown Traders", "shopwatch", "Brighton East", CHAIR, chair_name="Sam Chair")
        session.commit()
    # When they write four lines to help@, one of them not a command, above their quoted history
    send(pep.port, reply_message(CHAIR, HELP, "Hi,\nStatus\nDIGEST OFF.\nwhat is this?\nUNSUBSCRIBE\n\n"
                                              "On Monday, PEP wrote:\n> DIGEST ON\n", subject="commands"))
    # Then one reply lists each line and what became of it
    [answer] = wait_until(lambda: _answers(pep, CHAIR))
    text = body_text(answer)
    assert text.index("> Status") < text.index("> DIGEST OFF.") < text.index("> what is this?") < text.index("> UNSUBSCRIBE")
    assert "Kemptown Traders: invited" in text and "Not a command we know" in text
    assert "police alerts" in text and "DIGEST ON" in text
    assert "> DIGEST ON" not in text  # the quoted history is not read as commands
    with pep.app.sessions() as session:
        chair = session.scalar(select(Person).where(Person.email == CHAIR))
        assert chair is not None and chair.digest_on is False and chair.unsubscribed_at is not None
    # When they come back with a command in the subject line only
    send(pep.port, reply_message(CHAIR, HELP, "", subject="Digest on"))
    # Then a second reply says so and they get everything again
    second = wait_until(lambda: _answers(pep, CHAIR)[1:])[0]
    assert "weekly digest again" in body_text(second)
    with pep.app.sessions() as session:
        chair = session.scalar(select(Person).where(Person.email == CHAIR))
        assert chair is not None and chair.digest_on is True and chair.unsubscribed_at is None


def test_a_stranger_at_help_is_told_once_and_nothing_runs(pep: Pep) -> None:
    # When someone unregistered sends UNSUBSCRIBE twice
    for _ in range(2):
        send(pep.port, reply_message("stranger@nowhere.example", HELP, "UNSUBSCRIBE"))

    def processed() -> list[InboundMessage] | None:
        with pep.app.sessions() as session:
            rows = list(session.scalars(select(InboundMessage)))
        return rows if len(rows) == 2 and all(r.status == "done" for r in rows) else None
    rows = wait_until(processed)
    # Then both are refused as unregistered and only one explanation is sent
    assert all("unregistered" in (r.outcome or "") for r in rows)
    wait_until(lambda: messages_to(pep.outbox, "stranger@nowhere.example"))
    assert len(messages_to(pep.outbox, "stranger@nowhere.example")) == 1
