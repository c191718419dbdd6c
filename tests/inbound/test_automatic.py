"""Automatic mail (auto-replies, lists, bulk, daemons, loops) is recognised and never answered."""

from __future__ import annotations

import pytest

from inbound.automatic import automatic_reason
from inbound.parse import parse_message
from tests.inbound.conftest import FIXTURES

OWN_DOMAIN = "pep.example.org.uk"

# fixture name -> a fragment the reason must contain (None: mail from a person)
EXPECTED: dict[str, str | None] = {
    "exchange_oof": "Auto-Submitted: auto-generated",
    "gmail_vacation": "Auto-Submitted: auto-replied",
    "mailing_list": "List-Id",
    "bulk_precedence": "Precedence: bulk",
    "junk_precedence": "Precedence: junk",
    "noreply_sender": "automatic sender address",
    "donotreply_sender": "automatic sender address",
    "postmaster_sender": "automatic sender address",
    "own_domain_loop": "mail loop",
    "x_autoreply": "X-Autoreply",
    "x_autorespond": "X-Autorespond",
    "suppress_oof": "X-Auto-Response-Suppress: oof",
    "null_return_path": "null envelope sender",
    "oof_english_subject": "out-of-office subject",
    "oof_french_subject": "out-of-office subject",
    "oof_german_subject": "out-of-office subject",
    "oof_spanish_subject": "out-of-office subject",
    "oof_italian_subject": "out-of-office subject",
    "oof_dutch_subject": "out-of-office subject",
    "oof_polish_subject": "out-of-office subject",
    "oof_portuguese_subject": "out-of-office subject",
    "oof_welsh_subject": "out-of-office subject",
    "human_reply": None,
    "human_auto_submitted_no": None,
    "human_office_hours": None,
    "human_windows1252": None,
}


def test_every_fixture_has_an_expectation() -> None:
    # Given the fixture folder / Then each file is listed in the table, and vice versa
    names = {p.stem for p in (FIXTURES / "automatic").glob("*.eml")}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(name: str) -> None:
    # Given a real-looking message
    message = parse_message((FIXTURES / "automatic" / f"{name}.eml").read_bytes())
    # When classified
    reason = automatic_reason(message, OWN_DOMAIN)
    # Then the reason names the signal, or is None for a person's mail
    expected = EXPECTED[name]
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason


def test_subdomain_of_own_domain_is_a_loop() -> None:
    # Given mail claiming to come from a host under our domain
    message = parse_message(b"From: x@relay.pep.example.org.uk\r\nSubject: hi\r\n\r\nbody")
    # When classified / Then it is a loop
    assert "mail loop" in (automatic_reason(message, "PEP.example.org.uk.") or "")


def test_bounce_report_is_automatic() -> None:
    # Given a multipart/report from an ordinary-looking sender
    raw = (FIXTURES / "bounces" / "rfc3464_postfix.eml").read_bytes()
    # When classified / Then it is automatic
    assert automatic_reason(parse_message(raw), OWN_DOMAIN) is not None


def test_message_without_from_is_not_automatic_by_itself() -> None:
    # Given a message with no From and no other signal
    message = parse_message(b"Subject: Broken window\r\n\r\nRear window smashed.")
    # When classified / Then nothing marks it automatic
    assert automatic_reason(message, OWN_DOMAIN) is None
