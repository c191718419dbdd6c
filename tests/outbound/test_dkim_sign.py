"""Signed messages verify with dkimpy against the public key, and any tampering breaks them."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import dkim
import pytest

from outbound.compose import compose
from tests.harness.services import require
from outbound.dkim_sign import DkimError, DkimSigner
from outbound.render import Rendered

SELECTOR = "pep2026"
DOMAIN = "pep.sussex.example"


@pytest.fixture(scope="module")
def key_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """A fresh 2048-bit RSA key (PKCS#1 PEM) and its public key as DER, made by openssl."""
    require("openssl (to make a test key)", shutil.which("openssl") is not None)
    folder: Path = tmp_path_factory.mktemp("dkim")
    private = folder / "private.pem"
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", str(private), "2048"], check=True, capture_output=True)
    public_der = subprocess.run(
        ["openssl", "rsa", "-in", str(private), "-pubout", "-outform", "DER"], check=True, capture_output=True
    ).stdout
    return private.read_bytes(), public_der


@pytest.fixture
def dns(key_pair: tuple[bytes, bytes]) -> Callable[..., bytes | None]:
    """Answers the DKIM key lookup for our selector, as a DNS TXT record would."""
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(key_pair[1])

    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == f"{SELECTOR}._domainkey.{DOMAIN}.".encode() else None

    return lookup


def _message() -> bytes:
    rendered = Rendered(subject="Brighton Pubwatch is now active", text="Thank you, Priyä.\n", html="<p>Thank you, Priyä.</p>")
    return compose(
        rendered,
        from_addr=f"noreply@{DOMAIN}",
        from_name="Sussex Police",
        to_addr="priya@brighton-pubs.example",
        to_name="Priya Shah",
        message_id=f"<delivery.1@{DOMAIN}>",
        date=dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.timezone.utc),
        list_unsubscribe=f"help@{DOMAIN}?subject=DIGEST%20OFF",
    )


def test_a_signed_message_verifies(key_pair: tuple[bytes, bytes], dns: Callable[..., bytes | None]) -> None:
    # Given a composed message and a signer for our domain
    signer = DkimSigner(SELECTOR, DOMAIN, key_pair[0])
    # When it is signed
    signed = signer.sign(_message())
    # Then dkimpy verifies it with the published key, and the signature is what we asked for
    assert dkim.verify(signed, dnsfunc=dns)
    signature = signed.decode().replace("\r\n ", " ").split("\r\n", 1)[0]
    tags = dict(tag.strip().split("=", 1) for tag in signature.removeprefix("DKIM-Signature:").split(";"))
    assert (tags["a"], tags["c"], tags["d"], tags["s"]) == ("rsa-sha256", "relaxed/relaxed", DOMAIN, SELECTOR)
    signed_headers = [name.strip() for name in " ".join(tags["h"].split()).split(":")]
    for name in ("from", "to", "subject", "date", "message-id", "list-unsubscribe", "auto-submitted"):
        assert name in signed_headers
    assert signed_headers.count("from") == 2


def test_relaxed_canonicalisation_survives_harmless_rewrapping(key_pair: tuple[bytes, bytes], dns: Callable[..., bytes | None]) -> None:
    # Given a signed message
    signed = DkimSigner(SELECTOR, DOMAIN, key_pair[0]).sign(_message())
    # When a relay changes the spacing in a header
    rewrapped = signed.replace(b"Subject: Brighton Pubwatch", b"Subject:   Brighton   Pubwatch")
    # Then the signature still verifies
    assert dkim.verify(rewrapped, dnsfunc=dns)


@pytest.mark.parametrize(
    ("description", "tamper"),
    [
        ("changed subject", lambda m: m.replace(b"is now active", b"is now closed")),
        ("changed body", lambda m: m.replace(b"Thank you, Priy", b"Thank you, Sam ")),
        ("added second From", lambda m: m.replace(b"\r\nSubject:", b"\r\nFrom: evil@attacker.example\r\nSubject:")),
        ("added Cc", lambda m: m.replace(b"\r\nSubject:", b"\r\nCc: evil@attacker.example\r\nSubject:")),
    ],
)
def test_tampering_breaks_the_signature(key_pair: tuple[bytes, bytes], dns: Callable[..., bytes | None], description: str, tamper: Callable[[bytes], bytes]) -> None:
    # Given a signed message
    signed = DkimSigner(SELECTOR, DOMAIN, key_pair[0]).sign(_message())
    # When it is altered in transit
    altered = tamper(signed)
    assert altered != signed, description
    # Then it no longer verifies
    assert not dkim.verify(altered, dnsfunc=dns)


def test_a_bad_key_is_refused_when_the_signer_is_made() -> None:
    # Given text that is not a PEM RSA private key
    # When a signer is made with it
    # Then a DkimError says the key is unusable
    with pytest.raises(DkimError, match="not a PEM RSA private key"):
        DkimSigner(SELECTOR, DOMAIN, b"-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n")


@pytest.mark.parametrize(("selector", "domain"), [("bad selector", DOMAIN), (SELECTOR, "not a domain")])
def test_a_bad_selector_or_domain_is_refused(key_pair: tuple[bytes, bytes], selector: str, domain: str) -> None:
    # Given a selector or domain that cannot appear in a signature
    # When a signer is made
    # Then a DkimError is raised
    with pytest.raises(DkimError):
        DkimSigner(selector, domain, key_pair[0])


def test_a_message_without_from_is_refused(key_pair: tuple[bytes, bytes]) -> None:
    # Given bytes with no From header
    message = b"Subject: hi\r\n\r\nbody\r\n"
    # When it is signed
    # Then a DkimError says why
    with pytest.raises(DkimError, match="without a From"):
        DkimSigner(SELECTOR, DOMAIN, key_pair[0]).sign(message)
