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
# A fixed piece of text each prose detector's trigger pattern cannot match without (lowercased; the
# patterns are case-insensitive). Text containing none of them cannot be a prose bounce.
_TRIGGER_PIECES = (
    "created automatically by mail delivery software",  # exim
    "this is the qmail-send program",  # qmail
    "the following addresses had ",  # sendmail
    "couldn't be delivered", "delivery has failed to these recipients or groups:",
    "the following recipient(s) cannot be reached:",  # exchange
    "was not delivered to:",  # lotus
    "your message wasn't delivered to ", "has been blocked", "there was a problem delivering your message to ",
    "sorry, we were unable to deliver your message to the following address",
    "your message could not",  # gmail, yahoo
)
_STRUCTURED_TYPES = ("message/delivery-status", "message/global-delivery-status")


def detect_bounce(msg: ParsedMessage) -> Bounce | None:
    """The delivery failure `msg` reports, or None if it is not a bounce."""
    return detect_with_every_format(msg) if _may_be_bounce(msg) else None


def detect_with_every_format(msg: ParsedMessage) -> Bounce | None:
    """Every detector in turn, without the pre-check (tests compare the two)."""
    for detector in _DETECTORS:
        bounce = detector(msg)
        if bounce is not None:
            if bounce.failed_address is None:
                bounce = replace(bounce, failed_address=clean_address(returned_recipient(msg)))
            return bounce
    return None


def _may_be_bounce(msg: ParsedMessage) -> bool:
    """False only when no detector could match: no DSN part, no X-Failed-Recipients, no trigger text.

    Ordinary replies are most of the mail; this spares them eight pattern searches over their text.
    For ASCII text, lowercasing and `in` find exactly what the case-insensitive patterns find; other
    text (where Unicode case folding could differ) always goes through the detectors.
    """
    if any(attachment.content_type in _STRUCTURED_TYPES for attachment in msg.attachments):
        return True
    if msg.header("X-Failed-Recipients") is not None or not msg.text.isascii():
        return True
    text = msg.text.lower()
    return any(piece in text for piece in _TRIGGER_PIECES)


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
