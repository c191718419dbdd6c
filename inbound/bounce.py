"""Recognise delivery failure reports and read which address failed, why, and how badly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from inbound.bounces import dsn, exchange, exim, lotus, qmail, sendmail, webmail
from inbound.bounces.model import Bounce, clean_address, returned_recipient
from inbound.parse import ParsedMessage

__all__ = ["Bounce", "detect_bounce", "verp_recipient"]

# Structured DSNs first: when a server attaches one, it is more exact than its prose.
_DETECTORS: tuple[Callable[[ParsedMessage], Bounce | None], ...] = (
    dsn.detect,
    exim.detect,
    qmail.detect,
    sendmail.detect,
    exchange.detect,
    lotus.detect,
    webmail.detect_gmail,
    webmail.detect_yahoo,
)
_VERP_PREFIX = "bounces+"


def detect_bounce(msg: ParsedMessage) -> Bounce | None:
    """The delivery failure `msg` reports, or None if it is not a bounce."""
    for detector in _DETECTORS:
        bounce = detector(msg)
        if bounce is not None:
            if bounce.failed_address is None:
                bounce = replace(bounce, failed_address=clean_address(returned_recipient(msg)))
            return bounce
    return None


def verp_recipient(to_addr: str, domain: str) -> str | None:
    """The TOKEN of a `bounces+TOKEN@domain` address (VERP), or None for any other address."""
    address = to_addr.strip().strip("<>").strip()
    local, at, address_domain = address.rpartition("@")
    if not at or address_domain.lower().rstrip(".") != domain.lower().strip().rstrip("."):
        return None
    if not local.lower().startswith(_VERP_PREFIX):
        return None
    token = local[len(_VERP_PREFIX) :]
    return token or None
