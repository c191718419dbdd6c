"""Forged replies: whatever is faked, nothing changes, and each message is recorded and audited with its reason."""
from __future__ import annotations

from datetime import timedelta
from typing import Callable, Iterator

import pytest

from engine.clock import FixedClock
from engine.models import Partnership
from engine.services.partnerships import invite
from engine.services.people import add_person
from engine.settings import Settings
from tests.conftest import START, wait_until
from tests.harness.mail import messages_to, reply_message, send
from tests.harness.running import Pep, start_pep
from tests.security.conftest import audit, processed

CHAIR = "chair@kemptown.example"
OTHER = "someone@elsewhere.example"
MTA = "mx.pep.test"


@pytest.fixture
def running(settings: Settings) -> Iterator[tuple[Pep, FixedClock]]:
    clock = FixedClock(START)
    pep = start_pep(settings.with_changes(trusted_authserv_id=MTA), clock)
    yield pep, clock
    pep.stop()


def _invite(pep: Pep) -> tuple[int, str]:
    with pep.app.sessions() as session:
        add_person(session, pep.app.env, OTHER, "Other Person", "admin")
        pid = invite(session, pep.app.env, "Kemptown Traders", "shopwatch", "Brighton East", CHAIR).id
        session.commit()
    return pid, str(wait_until(lambda: messages_to(pep.outbox, CHAIR))[0]["Reply-To"])


def _tampered(address: str) -> str:
    local, domain = address.split("@")
    return f"{local[:-2]}{'zz' if local[-2:] != 'zz' else 'yy'}@{domain}"


def _auth(verdict: str, authserv: str = MTA) -> dict[str, str]:
    return {"Authentication-Results": f"{authserv}; spf=pass smtp.mailfrom=kemptown.example; "
                                      f"dkim=pass header.d=kemptown.example; dmarc={verdict} header.from=kemptown.example"}


Forge = Callable[[Pep, FixedClock, str], None]
CASES: list[tuple[str, Forge, str]] = [
    ("a token for another person", lambda pep, clock, to: send(pep.port, reply_message(OTHER, to, "I agree")),
     "wrong_sender"),
    ("a tampered token", lambda pep, clock, to: send(pep.port, reply_message(CHAIR, _tampered(to), "I agree")),
     "invalid"),
    ("an expired token", lambda pep, clock, to: (clock.advance(timedelta(days=31)),
                                                 send(pep.port, reply_message(CHAIR, to, "I agree")))[-1],
     "expired"),
    ("DMARC fail reported by the trusted MTA",
     lambda pep, clock, to: send(pep.port, reply_message(CHAIR, to, "I agree", extra=_auth("fail"))), "dmarc_fail"),
    ("an Authentication-Results header from an untrusted host, vouching for a stranger",
     lambda pep, clock, to: send(pep.port, reply_message(OTHER, to, "I agree", extra=_auth("pass", "evil.example"))),
     "wrong_sender"),
    ("an unregistered sender with the chair's token",
     lambda pep, clock, to: send(pep.port, reply_message("nobody@nowhere.example", to, "I agree")), "unregistered"),
]


@pytest.mark.parametrize("forge, reason", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_forged_reply_changes_nothing_and_is_recorded_with_its_reason(
        running: tuple[Pep, FixedClock], forge: Forge, reason: str) -> None:
    pep, clock = running
    # Given a partnership invited to agree the ISA, its chair holding a reply token
    pid, reply_to = _invite(pep)
    # When a forged agreement arrives
    forge(pep, clock, reply_to)
    row = processed(pep, 1)[0]
    # Then the partnership is still only invited
    with pep.app.sessions() as session:
        assert session.get(Partnership, pid).status == "invited"  # type: ignore[union-attr]
    # And the message is recorded with the reason, and the refusal audited
    assert f"refused ({reason})" in (row.outcome or ""), row.outcome
    refusals = audit(pep, "inbound.refused")
    assert [e.details["reason"] for e in refusals] == [reason] and refusals[0].object_id == row.id
    # And an Authentication-Results header from a host PEP does not trust is not believed
    assert row.auth.get("trusted") is (reason == "dmarc_fail")


def test_a_replayed_one_time_token_is_refused_as_used(running: tuple[Pep, FixedClock]) -> None:
    pep, _clock = running
    pid, reply_to = _invite(pep)
    # Given the chair has agreed once
    send(pep.port, reply_message(CHAIR, reply_to, "I agree"))
    wait_until(lambda: processed(pep, 1))
    # When the same reply is sent again (a replay)
    send(pep.port, reply_message(CHAIR, reply_to, "I agree", subject="Re: again"))
    rows = processed(pep, 2)
    # Then it is refused as used, and audited
    assert "refused (used)" in (rows[1].outcome or "")
    assert [e.details["reason"] for e in audit(pep, "inbound.refused")] == ["used"]


def test_the_chairs_address_without_a_token_runs_nothing_at_admin(running: tuple[Pep, FixedClock]) -> None:
    pep, _clock = running
    pid, _reply_to = _invite(pep)
    # When mail claiming to be from the chair (no token) asks admin@ to remove the chair's partnership
    send(pep.port, reply_message(CHAIR, "admin@pep.test", 'SUSPEND PARTNERSHIP "Kemptown Traders"'))
    row = processed(pep, 1)[0]
    # Then nothing runs: the registered address is asked to CONFIRM, and the forger never sees that message
    assert "awaiting the sender's CONFIRM" in (row.outcome or "") or "refused" in (row.outcome or ""), row.outcome
    assert audit(pep, "command.run") == []
    with pep.app.sessions() as session:
        assert session.get(Partnership, pid).status == "invited"  # type: ignore[union-attr]
