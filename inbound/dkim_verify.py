"""Verify the DKIM signatures of a raw inbound message with dkimpy."""

from __future__ import annotations

from collections.abc import Callable

import dkim

# dkimpy calls dnsfunc(name: bytes, timeout=seconds) and expects the TXT record as bytes
# (or None when there is none).
DnsFunc = Callable[..., bytes | None]


class _RecordingDns:
    """Wraps the DNS lookup so that a lookup failure can be told apart from a bad signature.

    dkimpy turns a failing or timed-out lookup into a plain False, which would make a DNS
    outage look like forged mail; this records the failure and reports "temperror" instead."""

    def __init__(self, lookup: DnsFunc) -> None:
        self._lookup = lookup
        self.failed = False

    def __call__(self, name: bytes, timeout: int = 5) -> bytes | None:
        try:
            return self._lookup(name, timeout=timeout)
        except Exception:
            self.failed = True
            return None


def verify_dkim(raw: bytes, dnsfunc: DnsFunc | None = None) -> str:
    """"pass" if any DKIM signature verifies, "none" if there is none, "temperror" if a key
    could not be fetched, else "fail". `dnsfunc` defaults to dkimpy's resolver."""
    dns = _RecordingDns(dnsfunc or dkim.dnsplug.get_txt)
    try:
        verifier = dkim.DKIM(raw)
        signatures = sum(1 for name, _ in verifier.headers if name.lower() == b"dkim-signature")
    except Exception:
        return "fail" if b"dkim-signature" in raw.lower() else "none"
    if signatures == 0:
        return "none"
    for index in range(signatures):
        try:
            if dkim.DKIM(raw).verify(idx=index, dnsfunc=dns):
                return "pass"
        except Exception:
            continue  # a malformed signature is a failed one; others may still verify
    return "temperror" if dns.failed else "fail"
