"""Split a MIME message at its boundaries by string search; each part's header block still goes to the stdlib.

Why our own splitter: the standard library's feed parser reads a body one line at a time, through
several Python calls per line, so a report with a 200 KB photo (about 3,600 base64 lines) cost many
milliseconds in lines nobody looks at. Here delimiter lines are found with `str.find`, every header
block is parsed by the stdlib parser with the same policy, and the tree built is the one the feed
parser builds for everything `inbound.parse` reads: headers, content types, nesting and payload
strings (preambles, epilogues and defects are not kept; nothing reads them). Anything unusual returns
None and the caller uses the feed parser: message/* parts, multipart/digest, a multipart without a
boundary, start or close delimiter, doubled delimiter lines, a header block not ended by a blank
line, bare CRs, deep nesting.
"""
from __future__ import annotations

import re
from email.message import Message
from email.parser import Parser
from email.policy import Policy

_MAX_DEPTH = 12  # deeper trees go to the feed parser; `inbound.parse` then applies its own limit
_SEPARATOR = re.compile(r"\n\r?\n")  # the blank line after a header block (bare CRs were refused)
_BARE_CR = re.compile(rb"\r(?!\n)")


class _Unusual(Exception):
    """The message has a shape the feed parser handles in its own way: use the feed parser."""


def split_message(data: bytes, policy: Policy) -> Message | None:
    """The message tree the feed parser would build from `data`, or None when the feed parser is needed."""
    if _BARE_CR.search(data):
        return None  # the feed parser also breaks lines at a lone CR
    text = data.decode("ascii", "surrogateescape")  # what BytesParser does before parsing
    try:
        return _Splitter(policy).entity(text, 0, top=True)
    except Exception:  # _Unusual, or a header block the stdlib chokes on: the feed parser decides
        return None


class _Splitter:
    def __init__(self, policy: Policy) -> None:
        self._parser = Parser(policy=policy)

    def entity(self, text: str, depth: int, top: bool) -> Message:
        if depth > _MAX_DEPTH:
            raise _Unusual
        head, body = _head_and_body(text)
        msg = self._parser.parsestr(head, headersonly=True)
        if msg.get_payload():
            raise _Unusual  # a line that is not a header: the feed parser starts the body there
        ctype = msg.get_content_type()
        if ctype.startswith("message/") or ctype == "multipart/digest":
            raise _Unusual
        if ctype.startswith("multipart/"):
            msg.set_payload(self._parts(msg, body, depth))
        else:
            # RFC 2046: the line break before a delimiter belongs to the delimiter.
            msg.set_payload(body if top else _drop_line_break(body))
        return msg

    def _parts(self, msg: Message, body: str, depth: int) -> list[Message]:
        boundary = msg.get_boundary()
        if boundary is None:
            raise _Unusual
        delimiter = "--" + boundary
        parts: list[Message] = []
        start = None  # where the current part begins, once the first delimiter is seen
        at = 0 if body.startswith(delimiter) else _next_line_with(body, delimiter, 0)
        while at >= 0:
            end = body.find("\n", at) + 1 or len(body)
            found = _delimiter_kind(body[at + len(delimiter) : end])
            if found:
                if start is not None:
                    if at == start:
                        raise _Unusual  # doubled delimiter lines: the feed parser skips them
                    parts.append(self.entity(body[start:at], depth + 1, top=False))
                if found == "close":
                    if start is None:
                        raise _Unusual  # a close delimiter before any part
                    return parts
                start = end
            at = _next_line_with(body, delimiter, end - 1)
        raise _Unusual  # no close delimiter (or none at all)


def _delimiter_kind(rest: str) -> str | None:
    """"close" or "next" if a line that starts with the delimiter is one, as the feed parser decides.

    Its test is `DELIMITER(--)?[ \t]*(\r\n|\r|\n)?$`; a regular expression per boundary would be
    compiled anew for every message, since boundaries are random.
    """
    if rest.endswith("\n"):
        rest = rest[:-2] if rest.endswith("\r\n") else rest[:-1]
    if rest.startswith("--") and not rest[2:].strip(" \t"):
        return "close"
    return None if rest.strip(" \t") else "next"


def _next_line_with(text: str, prefix: str, pos: int) -> int:
    """The start of the next line after offset `pos` that begins with `prefix`, or -1."""
    found = text.find("\n" + prefix, pos)
    return found + 1 if found >= 0 else -1


def _head_and_body(text: str) -> tuple[str, str]:
    """The header lines (each with its line break) and what follows the blank line."""
    if text.startswith("\r\n"):
        return "", text[2:]
    if text.startswith("\n"):
        return "", text[1:]
    blank = _SEPARATOR.search(text)
    if blank is None:
        raise _Unusual  # the feed parser reads such a part as headers only, or headers and body
    return text[: blank.start() + 1], text[blank.end() :]


def _drop_line_break(text: str) -> str:
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text
