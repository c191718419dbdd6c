"""Cut a raw message down to ParseLimits before any MIME parsing: header stuffing and part flooding."""

from __future__ import annotations

import re
from collections.abc import Iterator

from inbound.limits import ParseLimits

_BARE_CR = re.compile(rb"\r(?!\n)")
_BOUNDARY_PARAM = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))', re.I)
_DELIMITER_LINE = re.compile(rb"^--([^\r\n]{1,250})", re.M)
_CONTENT_TYPE_LINE = re.compile(rb"^content-type[ \t]*:", re.M | re.I)


def note_once(errors: list[str], message: str) -> None:
    if message not in errors:
        errors.append(message)


def bound_head(head: bytes, limits: ParseLimits, errors: list[str]) -> bytes:
    """Cut header stuffing and neutralise bytes that would let one field smuggle in another."""
    if b"\x00" in head:
        errors.append("NUL bytes removed from header")
        head = head.replace(b"\x00", b"")
    if _BARE_CR.search(head):
        # A bare CR is a line break to the email parser but not to every MTA: treat as data.
        errors.append("bare CR in header replaced by a space")
        head = _BARE_CR.sub(b" ", head)
    kept: list[bytes] = []
    fields = 0
    total = 0
    for line in head.split(b"\n"):
        line = line.rstrip(b"\r")
        if len(line) > limits.max_header_line:
            note_once(errors, f"header line longer than {limits.max_header_line} bytes truncated")
            line = line[: limits.max_header_line]
        if line[:1] not in (b" ", b"\t"):
            fields += 1
        total += len(line) + 2
        if fields > limits.max_headers or total > limits.max_header_bytes:
            note_once(errors, f"header block over limits ({limits.max_headers} fields, "
                              f"{limits.max_header_bytes} bytes); later fields ignored")
            break
        kept.append(line)
    return b"\r\n".join(kept)


def bound_body(head: bytes, body: bytes, limits: ParseLimits, errors: list[str]) -> bytes:
    """Cut the body before the part beyond `max_parts`, so the full parse stays bounded.

    Each pattern is tried only where `bytes.find` sees its fixed start (on lowercased bytes for the
    case-insensitive ones; both are ASCII-only): the matches of a scan with the pattern, without
    running the regular expression engine over every byte of a photo.
    """
    whole = head + body
    lowered = whole.lower()
    boundaries = {found.group(1) or found.group(2)
                  for found in _finditer(_BOUNDARY_PARAM, whole, lowered, b"boundary")}
    cut = None
    if boundaries:
        count = 0
        for found in _finditer(_DELIMITER_LINE, body, body, b"--"):
            if found.group(1).rstrip() in boundaries:
                count += 1
                if count > limits.max_parts:
                    cut = found.start()
                    break
    # Nested message/rfc822 parts need no boundary, so count their Content-Type lines too.
    for index, found in enumerate(_finditer(_CONTENT_TYPE_LINE, body, lowered[len(head):], b"content-type")):
        if index + 1 > limits.max_parts:
            cut = found.start() if cut is None else min(cut, found.start())
            break
    if cut is None:
        return body
    note_once(errors, f"more than {limits.max_parts} MIME parts; the rest ignored")
    return body[:cut]


def _finditer(pattern: re.Pattern[bytes], data: bytes, lowered: bytes, literal: bytes) -> Iterator[re.Match[bytes]]:
    """`pattern.finditer(data)` for a pattern whose every match starts with `literal` (as found in `lowered`)."""
    at = lowered.find(literal)
    while at >= 0:
        found = pattern.match(data, at)  # `^` still looks at the byte before `at`
        if found is None:
            at = lowered.find(literal, at + 1)
        else:
            yield found
            at = lowered.find(literal, found.end())
