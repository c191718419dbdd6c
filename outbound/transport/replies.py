"""Turning SMTP replies and connection failures into SendResults."""

from __future__ import annotations

from enum import Enum

from outbound.transport.base import SendResult

# RFC 5321 4.5.3.1.10: a 552 to RCPT ("too many recipients") is a temporary condition
# that old servers report with a permanent code; clients are told to treat it as 452.
_RCPT_552_IS_TEMPORARY = 552

SERVICE_CLOSING = 421


class Stage(Enum):
    """The step of an SMTP transaction that a reply answers."""

    CONNECT = "connection"
    MAIL = "MAIL FROM"
    RCPT = "RCPT TO"
    DATA = "DATA"
    END_OF_DATA = "end of data"


def reply_text(message: bytes | str) -> str:
    """A server's reply text as one printable line."""
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    return " ".join(message.split())


def accepted(code: int, message: bytes | str) -> SendResult:
    """The server took responsibility for the message."""
    return SendResult(accepted=True, temporary=False, code=code, detail=f"{code} {reply_text(message)}")


def refused(stage: Stage, code: int, message: bytes | str) -> SendResult:
    """The server answered ``code`` at ``stage``; 4xx is temporary, anything else permanent."""
    temporary = 400 <= code < 500 or (stage is Stage.RCPT and code == _RCPT_552_IS_TEMPORARY)
    return SendResult(
        accepted=False,
        temporary=temporary,
        code=code,
        detail=f"{stage.value} refused: {code} {reply_text(message)}",
    )


def failed(stage: Stage, reason: str) -> SendResult:
    """No usable reply (disconnect, timeout, TLS or login trouble): always worth a retry."""
    return SendResult(accepted=False, temporary=True, code=None, detail=f"{stage.value} failed: {reason}")


def deferred(reason: str, retry_after: float) -> SendResult:
    """Not attempted now (for instance a rate limit); retry after ``retry_after`` seconds."""
    return SendResult(accepted=False, temporary=True, code=None, detail=reason, retry_after=retry_after)
