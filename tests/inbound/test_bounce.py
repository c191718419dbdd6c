"""Bounces in every format real servers send are read: failed address, status, hard or policy."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from inbound.bounce import Bounce, detect_bounce, verp_recipient
from inbound.parse import parse_message
from tests.inbound.conftest import FIXTURES


class Expected(NamedTuple):
    format: str
    address: str
    status: str | None
    hard: bool
    policy: bool


EXPECTED: dict[str, Expected | None] = {
    "rfc3464_postfix": Expected("rfc3464", "old.manager@shop.example.co.uk", "5.1.1", True, False),
    "rfc3464_spamhaus_policy": Expected("rfc3464", "landlord@pub.example.co.uk", "5.7.1", True, True),
    "rfc3464_delayed": Expected("rfc3464", "owner@cafe.example.co.uk", "4.4.1", False, False),
    "rfc3464_office365": Expected("rfc3464", "j.doe@contoso.example", "5.1.10", True, False),
    "rfc3464_gmail": Expected("rfc3464", "chairperson.old@gmail.example.com", "5.1.1", True, False),
    "exim_user_unknown": Expected("exim", "stock.room@florist.example.co.uk", None, True, False),
    "exim_spam_rejected": Expected("exim", "info@taxis.example.co.uk", None, True, True),
    "qmail": Expected("qmail", "service@garage.example.co.uk", "5.1.1", True, False),
    "sendmail_text": Expected("sendmail", "orders@butcher.example.co.uk", "5.1.1", True, False),
    "exchange_2010": Expected("exchange", "licensing@council.example.gov.uk", "5.1.1", True, False),
    "exchange_2003": Expected("exchange", "bursar@school.example.sch.uk", "5.1.1", True, False),
    "office365_text": Expected("exchange", "frontdesk@hotel.example.co.uk", "5.1.10", True, False),
    "outlook_com_blocked": Expected("exchange", "shopwatch.chair@hotmail.example.com", "5.7.1", True, True),
    "lotus_notes": Expected("lotus", "jsmith@retailgroup.example.com", None, True, False),
    "gmail_text": Expected("gmail", "treasurer.bcrp@gmail.example.com", None, True, False),
    "gmail_blocked": Expected("gmail", "nightwatch@gmail.example.com", "5.7.26", True, True),
    "yahoo": Expected("yahoo", "pubwatch.sec@yahoo.example.co.uk", None, True, False),
    "rfc3464_delivered": None,
    "human_not_bounce": None,
}


def test_every_fixture_has_an_expectation_and_every_format_is_covered() -> None:
    # Given the bounce fixtures / Then each is in the table, and every detector has a case
    assert {p.stem for p in (FIXTURES / "bounces").glob("*.eml")} == set(EXPECTED)
    assert len([e for e in EXPECTED.values() if e]) >= 10
    assert {e.format for e in EXPECTED.values() if e} >= {
        "rfc3464", "exim", "qmail", "sendmail", "exchange", "lotus", "gmail", "yahoo"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(name: str) -> None:
    # Given a bounce as a real server would send it
    message = parse_message((FIXTURES / "bounces" / f"{name}.eml").read_bytes())
    # When detected
    bounce = detect_bounce(message)
    # Then format, address, status and severity are read correctly
    expected = EXPECTED[name]
    if expected is None:
        assert bounce is None
        return
    assert isinstance(bounce, Bounce)
    assert (bounce.format, bounce.failed_address, bounce.status, bounce.hard, bounce.policy) == tuple(expected)
    assert bounce.diagnostic


def test_missing_address_falls_back_to_the_returned_message() -> None:
    # Given a Lotus report whose "not delivered to" block lost its address
    raw = (FIXTURES / "bounces" / "lotus_notes.eml").read_bytes()
    raw = raw.replace(b"\r\n  jsmith@retailgroup.example.com\r\n\r\nbecause", b"\r\n  J Smith\r\n\r\nbecause")
    raw = raw.replace(b"Content-Type: text/plain; charset=us-ascii\r\n", (
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n'))
    raw += (b"\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: alerts@pep.example.org.uk\r\n"
            b"To: J Smith <J.Smith@RetailGroup.example.com>\r\nSubject: x\r\n\r\nbody\r\n--b--\r\n")
    # When detected
    bounce = detect_bounce(parse_message(raw))
    # Then the To of the returned message is the failed address
    assert bounce is not None and bounce.failed_address == "j.smith@retailgroup.example.com"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("bounces+d.7QmZ2kLx@pep.example.org.uk", "d.7QmZ2kLx"),
        ("<Bounces+AbC@PEP.example.org.uk>", "AbC"),
        ("bounces+@pep.example.org.uk", None),
        ("bounces@pep.example.org.uk", None),
        ("reply+abc@pep.example.org.uk", None),
        ("bounces+abc@evil.example", None),
        ("not an address", None),
    ],
)
def test_verp_recipient(address: str, expected: str | None) -> None:
    # Given a recipient address / When its VERP token is read / Then only our bounce address yields one
    assert verp_recipient(address, "pep.example.org.uk") == expected
