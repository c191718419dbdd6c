"""DKIM verification passes signed mail, fails tampered mail and tells DNS outages apart."""

from __future__ import annotations

import base64
from collections.abc import Callable

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from inbound.dkim_verify import verify_dkim

DOMAIN = b"crown-inn.example.co.uk"
SELECTOR = b"s2026"
MESSAGE = (
    b"From: Jane Smith <jane@crown-inn.example.co.uk>\r\n"
    b"To: PEP <reply+t8Hq2@pep.example.org.uk>\r\n"
    b"Subject: Re: Please confirm the Information Sharing Agreement\r\n"
    b"Date: Mon, 3 Nov 2026 10:21:05 +0000\r\n"
    b"Message-ID: <abc123@crown-inn.example.co.uk>\r\n"
    b"\r\n"
    b"I agree\r\n"
)


class Keys:
    """A key pair generated for the test, and the DNS TXT record that publishes it."""

    def __init__(self) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
        public_der = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public_der)

    def sign(self, message: bytes, selector: bytes = SELECTOR) -> bytes:
        signature = dkim.sign(message, selector, DOMAIN, self.private_pem,
                              include_headers=[b"from", b"to", b"subject", b"date"])
        return signature + message

    def dns(self) -> Callable[..., bytes | None]:
        def lookup(name: bytes, timeout: int = 5) -> bytes | None:
            return self.record if name == SELECTOR + b"._domainkey." + DOMAIN + b"." else None
        return lookup


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys()


def test_signed_message_passes(keys: Keys) -> None:
    # Given a message signed with our test key, whose public key DNS serves
    signed = keys.sign(MESSAGE)
    # When verified / Then it passes
    assert verify_dkim(signed, keys.dns()) == "pass"


def test_tampered_body_fails(keys: Keys) -> None:
    # Given a signed message whose body was changed in transit
    tampered = keys.sign(MESSAGE).replace(b"I agree", b"I refuse")
    # When verified / Then it fails
    assert verify_dkim(tampered, keys.dns()) == "fail"


def test_tampered_signed_header_fails(keys: Keys) -> None:
    # Given a signed message whose From was rewritten
    tampered = keys.sign(MESSAGE).replace(b"jane@crown-inn", b"boss@crown-inn")
    # When verified / Then it fails
    assert verify_dkim(tampered, keys.dns()) == "fail"


def test_unsigned_message_is_none(keys: Keys) -> None:
    # Given a message without a DKIM-Signature / When verified / Then the result is "none"
    assert verify_dkim(MESSAGE, keys.dns()) == "none"


def test_dns_failure_is_temperror(keys: Keys) -> None:
    # Given a signed message and a resolver that times out
    def broken(name: bytes, timeout: int = 5) -> bytes | None:
        raise TimeoutError("resolver timed out")
    # When verified / Then it is a temporary error, not a forgery
    assert verify_dkim(keys.sign(MESSAGE), broken) == "temperror"


def test_missing_key_fails(keys: Keys) -> None:
    # Given a signature naming a selector DNS has no key for
    signed = keys.sign(MESSAGE, selector=b"retired")
    # When verified / Then it fails
    assert verify_dkim(signed, keys.dns()) == "fail"


def test_one_good_signature_among_broken_ones_passes(keys: Keys) -> None:
    # Given a message with a garbage signature on top of a good one
    signed = b"DKIM-Signature: v=1; a=rsa-sha256; d=x; s=y; b=!!!\r\n" + keys.sign(MESSAGE)
    # When verified / Then the good one carries it
    assert verify_dkim(signed, keys.dns()) == "pass"


@pytest.mark.parametrize("raw", [b"", b"\x00\xff garbage", b"DKIM-Signature: nonsense\r\n\r\nbody"])
def test_malformed_input_never_raises(raw: bytes, keys: Keys) -> None:
    # Given malformed input / When verified / Then a documented value comes back
    assert verify_dkim(raw, keys.dns()) in {"none", "fail"}
