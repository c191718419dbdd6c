"""LMTP with one reply per recipient after DATA, as RFC 2033 section 4.2 requires."""
from __future__ import annotations

from typing import AnyStr

from aiosmtpd.lmtp import LMTP

from inbound.smtp_address import PlainAddresses
from inbound.smtp_data import BlockData


class PerRecipientLMTP(PlainAddresses, BlockData, LMTP):
    """aiosmtpd's LMTP changes only the greeting (LHLO): after DATA it sends ONE reply, as SMTP does.

    An LMTP client such as Postfix's lmtp(8) waits for one reply per accepted recipient, so a single
    reply would leave it hanging or misattribute outcomes. After the 354 go-ahead this class remembers
    how many recipients were accepted; the handler answers with one line per recipient (joined by CRLF)
    and each line is sent as its own reply. A reply aiosmtpd makes itself after DATA (552 too big, 500
    line too long) is repeated for every recipient, since it applies to each of them.
    """

    _awaiting_replies: int = 0

    async def push(self, status: AnyStr) -> None:
        if self._awaiting_replies:
            count, self._awaiting_replies = self._awaiting_replies, 0
            text = status.decode("utf-8") if isinstance(status, bytes) else status
            lines = text.split("\r\n")
            if len(lines) != count:
                lines = [lines[0]] * count
            for line in lines:
                await super().push(line)
            return
        await super().push(status)
        text = status.decode("ascii", "replace") if isinstance(status, bytes) else status
        if text.startswith("354") and self.envelope is not None:
            self._awaiting_replies = len(self.envelope.rcpt_tos)
