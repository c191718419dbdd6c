"""The errors a message can meet on its way through PEP; inbound.answers maps each to a reply."""
from __future__ import annotations


class InboundError(Exception):
    """A message PEP will not act on, with what the sender should be told."""

    reason = "refused"


class UnknownSender(InboundError):
    """The sender is not registered with PEP."""

    reason = "unregistered"


class DmarcFailed(InboundError):
    """The trusted MTA says the sender's domain disowns this message: it is forged, never answered."""

    reason = "dmarc_fail"


class NotUnderstood(InboundError):
    """The reply does not say anything PEP can act on."""

    reason = "unclear"

    def __init__(self, understood: str, expected: str) -> None:
        super().__init__(f"expected {expected!r}, got {understood!r}")
        self.understood = understood
        self.expected = expected


class TooLarge(InboundError):
    """A message over the size limit that reached PEP through a mailbox: only its header was kept."""

    reason = "too_large"


class NoHandler(InboundError):
    """An address with nothing behind it yet; kept for an operator."""

    reason = "no_handler"
