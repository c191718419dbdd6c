"""Reply tokens: signed, purpose-bound, expiring, single-use and bound to their person."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.app import App
from engine.clock import FixedClock
from engine.services.people import add_person
from engine.services.tokens import check_token, issue_token, use_token
from engine.tokens import TokenExpired, TokenInvalid, TokenSigner, TokenUsed, TokenWrongSender
from tests.conftest import START

SIGNER = TokenSigner(b"k" * 32)


def test_token_round_trips_and_fits_an_address_local_part() -> None:
    # Given a token for row 123456 valid for 30 days
    text = SIGNER.encode("isa", 123456, START + timedelta(days=30))
    # When it is decoded
    decoded = SIGNER.decode(text, START)
    # Then it says what it was made for, and fits in a local part with "reply+"
    assert (decoded.purpose, decoded.token_id) == ("isa", 123456)
    assert decoded.expires_at >= START + timedelta(days=30)
    assert len("reply+" + text) <= 64 and text == text.lower()


@pytest.mark.parametrize("mutate", [
    lambda t: t[:-1] + ("a" if t[-1] != "a" else "b"),      # signature altered
    lambda t: "d" + t[1:],                                    # purpose changed
    lambda t: t.replace("-", "-1", 1),                        # id changed
    lambda t: t + "-x",                                       # extra part
    lambda t: "garbage",
])
def test_tampered_token_is_invalid(mutate) -> None:  # type: ignore[no-untyped-def]
    # Given a genuine token, When any part of it is changed, Then it is refused as invalid
    text = SIGNER.encode("isa", 42, START + timedelta(days=1))
    with pytest.raises(TokenInvalid):
        SIGNER.decode(mutate(text), START)


def test_token_signed_with_another_key_is_invalid() -> None:
    text = TokenSigner(b"z" * 32).encode("isa", 42, START + timedelta(days=1))
    with pytest.raises(TokenInvalid):
        SIGNER.decode(text, START)


def test_expired_token_is_refused_by_signature_check() -> None:
    text = SIGNER.encode("isa", 42, START + timedelta(hours=2))
    with pytest.raises(TokenExpired):
        SIGNER.decode(text, START + timedelta(hours=3))


def _issue(app: App) -> tuple[str, int]:
    with app.sessions() as session:
        person = add_person(session, app.env, "chair@shop.example", "Chair", "admin")
        text = issue_token(session, app.env, "isa", person, "partnership", 1, timedelta(days=1))
        session.commit()
        return text, person.id


def test_token_checks_sender_expiry_and_single_use(app: App, clock: FixedClock) -> None:
    # Given a one-time token issued to chair@shop.example
    text, _ = _issue(app)
    with app.sessions() as session:
        # When someone else sends it back, Then it is refused
        with pytest.raises(TokenWrongSender):
            check_token(session, app.env, text, "intruder@evil.example")
        # When its person sends it back (any case), Then it is accepted, and using it once works
        row = check_token(session, app.env, text, "Chair@Shop.Example")
        use_token(session, app.env, row)
        session.commit()
    with app.sessions() as session:
        # When it is replayed, Then it is refused as used
        with pytest.raises(TokenUsed):
            check_token(session, app.env, text, "chair@shop.example")
    # When time passes beyond its expiry, Then it is refused as expired
    clock.advance(timedelta(days=2))
    with app.sessions() as session, pytest.raises(TokenExpired):
        check_token(session, app.env, text, "chair@shop.example")
