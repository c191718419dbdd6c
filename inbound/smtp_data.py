"""DATA read in runs of whole lines rather than one await per line, with the outcomes of aiosmtpd's own reader."""
from __future__ import annotations

import asyncio
import enum
import logging

from aiosmtpd.smtp import MISSING, SMTP, syntax

from inbound import smtp_codes

log = logging.getLogger(__name__)

END = b".\r\n"
_CRLF = b"\r\n"


class Problem(enum.Enum):
    NONE = "none"
    LINE_TOO_LONG = smtp_codes.DATA_LINE_TOO_LONG
    TOO_MUCH = smtp_codes.DATA_TOO_MUCH


class DataCollector:
    """Decides, as aiosmtpd's DATA loop does, what a message's lines amount to.

    Lines end at CRLF only; the line "." alone ends the data; every line's bytes count towards the size
    limit (the dots of dot-stuffing included); a line longer than `line_limit` (CRLF included) or more
    bytes than `size_limit` make the message refused once the data has ended, whichever came first. Lines
    are kept still dot-stuffed, in runs that each start at a line start, and unstuffed at the end.
    """

    def __init__(self, size_limit: int | None, line_limit: int) -> None:
        self.size_limit = size_limit
        self.line_limit = line_limit
        self.runs: list[bytes] = []
        self.counted = 0
        self.problem = Problem.NONE
        self.pieces: list[bytes] = []  # a line longer than the reader's limit arrives in several pieces

    def _refuse(self, problem: Problem) -> None:
        if self.problem is Problem.NONE:
            self.problem = problem
            self.runs.clear()  # nothing of a refused message is kept

    def overrun(self) -> None:
        """The reader found no line end within its limit: that line is too long."""
        self._refuse(Problem.LINE_TOO_LONG)

    def line(self, piece: bytes) -> bool:
        """Take one line (or a piece of one); True when it was the end of the data."""
        if not self.pieces and piece == END:
            return True
        self.counted += len(piece)
        if self.size_limit and self.counted > self.size_limit:
            self._refuse(Problem.TOO_MUCH)
        if not piece.endswith(_CRLF):
            self.pieces.append(piece)
            return False
        whole = b"".join([*self.pieces, piece]) if self.pieces else piece
        self.pieces.clear()
        if self.problem is Problem.NONE:
            if len(whole) > self.line_limit:
                self._refuse(Problem.LINE_TOO_LONG)
            else:
                self.runs.append(whole)
        return False

    def run(self, lines: bytes) -> bool:
        """Take several whole lines at once if that cannot change the outcome; False leaves them to `line`."""
        if self.pieces:
            return False
        if self.problem is not Problem.NONE:
            self.counted += len(lines)  # already refused: only the end of the data still matters
            return True
        if self.size_limit and self.counted + len(lines) > self.size_limit:
            return False
        if max(map(len, lines.split(_CRLF))) + len(_CRLF) > self.line_limit:
            return False
        self.counted += len(lines)
        self.runs.append(lines)
        return True

    def content(self) -> bytes:
        """The message with dot-stuffing undone (RFC 5321 section 4.5.2)."""
        joined = b"".join(self.runs)
        if joined.startswith(b"."):
            joined = joined[1:]
        return joined.replace(b"\r\n.", _CRLF)


def buffered_lines(reader: asyncio.StreamReader) -> tuple[bytes, bool]:
    """The whole lines already received, and whether the end-of-data line follows them; nothing is consumed.

    StreamReader has no public peek: this reads its buffer, and without one (another implementation)
    returns nothing, which leaves every line to the one-line-at-a-time path.
    """
    buffer = getattr(reader, "_buffer", None)
    if not isinstance(buffer, bytearray) or not buffer:
        return b"", False
    if buffer.startswith(END):
        return b"", True
    end = buffer.find(_CRLF + END)
    if end >= 0:
        return bytes(buffer[:end + 2]), True
    last = buffer.rfind(_CRLF)
    return (bytes(buffer[:last + 2]), False) if last >= 0 else (b"", False)


class BlockData(SMTP):
    """aiosmtpd's SMTP with a DATA command that takes every whole line already received in one step.

    aiosmtpd awaits and examines each line on its own (about 400 times for a 30 KB message); here the
    lines already in the reader's buffer are checked and kept together, and anything out of the ordinary
    (a line too long, the size limit reached, a line split across reads) goes one line at a time, as
    aiosmtpd does. Replies, limits and the content handed to the handler are aiosmtpd's (a test sends the
    same sessions to both). Decoded data and handlers without handle_DATA keep aiosmtpd's own command.
    """

    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        if self._decode_data or "DATA" not in self._handle_hooks:
            await super().smtp_DATA(arg)
            return
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        assert self.envelope is not None
        if not self.envelope.rcpt_tos:
            await self.push(smtp_codes.DATA_NEEDS_RCPT)
            return
        if arg:
            await self.push(smtp_codes.DATA_SYNTAX)
            return
        await self.push(smtp_codes.DATA_GO_AHEAD)
        collected = await self._collect()
        if collected.problem is not Problem.NONE:
            await self.push(collected.problem.value)
            self._set_post_data_state()
            return
        content = collected.content()
        self.envelope.content = self.envelope.original_content = content
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push(smtp_codes.DATA_ACCEPTED if status is MISSING else status)

    async def _collect(self) -> DataCollector:
        collector = DataCollector(self.data_size_limit, self.line_length_limit)
        reader = self._reader
        while self.transport is not None:
            lines, ends = buffered_lines(reader) if not collector.pieces else (b"", False)
            if (lines or ends) and (not lines or collector.run(lines)):
                # Available already: these reads return at once.
                await reader.readexactly(len(lines) + (len(END) if ends else 0))
                if ends:
                    break
                continue
            try:
                piece = await reader.readuntil(_CRLF)
            except asyncio.CancelledError:
                log.info("Connection lost during DATA")
                self._writer.close()
                raise
            except asyncio.LimitOverrunError as error:
                collector.overrun()
                piece = await reader.read(error.consumed)
            if collector.line(piece):
                break
        return collector
