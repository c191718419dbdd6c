"""The contract every outbound transport fulfils: send one message to one recipient."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SendResult:
    """What became of one message handed to a transport.

    ``temporary`` means "try again later" (4xx replies, connection errors, timeouts,
    rate limits); a refusal that is not temporary is permanent (5xx). ``code`` is the
    SMTP reply code when the server gave one. ``retry_after`` is set when the
    transport knows how long to wait (a rate limit), in seconds.
    """

    accepted: bool
    temporary: bool
    code: int | None
    detail: str
    retry_after: float | None = None

    @property
    def permanent(self) -> bool:
        """True when the message was refused for good and must not be retried."""
        return not self.accepted and not self.temporary


class Transport(Protocol):
    """Hands finished messages to the world; ``send`` may be called from many threads."""

    def send(self, envelope_from: str, recipient: str, data: bytes) -> SendResult:
        """Send ``data`` (a complete message with CRLF line endings) to one recipient."""
        ...

    def close(self) -> None:
        """Release connections and files; the transport is not used afterwards."""
        ...
