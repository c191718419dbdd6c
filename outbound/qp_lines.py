"""Quoted-printable encoding of one body line in pieces, byte-identical to the email package's.

The email package encodes a text part line by line (`quoprimime.body_encode`): it escapes
characters, then cuts the line into chunks of at most 76 characters plus a soft break `=`,
never inside an `=XX` escape. The cut points depend only on the text before them, so for a line
whose start is the same for every recipient the chunks of that start are worked out once, and
per recipient only the rest of the line is cut. The library offers no way to resume, hence this
small module; tests/outbound/test_qp_lines.py checks it against the library on many lines.
"""
from __future__ import annotations

from email import quoprimime

_MAX = 78  # policy.SMTP.max_line_length, which the email package passes to body_encode
_CHUNK = _MAX - 1


# The characters a quoted-printable body keeps as they are (RFC 2045 6.7, as the email package
# applies it); every other byte becomes =XX. Line breaks never reach here.
_KEPT = frozenset(b' !"#$%&\'()*+,-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\t')
_ESCAPES = {c: (chr(c) if c in _KEPT else f"={c:02X}") for c in range(256)}


def encode_body(text: str) -> bytes:
    """A whole text part as `set_content(text, charset="utf-8", cte="quoted-printable")` encodes it and
    the SMTP generator writes it: lines split as the library splits them, CRLF-ended."""
    lines = text.encode("utf-8").splitlines()
    encoded = quoprimime.body_encode(b"\n".join(lines).decode("latin-1") + "\n", _MAX)
    return encoded.replace("\n", "\r\n").encode("ascii")


class BodyEncoder:
    """`encode_body`, remembering the encoded form of lines seen before, up to `budget` bytes in all.

    The library encodes each line on its own, so a body is the encoded lines joined: a message's layout
    lines (most of an HTML body) are the same from one message to the next and are encoded once. When the
    budget is spent everything is forgotten at once; threads sharing an encoder may overshoot it slightly.
    """

    def __init__(self, budget: int = 1 << 20) -> None:
        self._budget = budget
        self._spent = 0
        self._lines: dict[bytes, bytes] = {}

    def encode(self, text: str) -> bytes:
        """What `encode_body(text)` returns."""
        lines = self._lines
        out: list[bytes] = []
        for line in text.encode("utf-8").splitlines():
            encoded = lines.get(line)
            if encoded is None:
                encoded = quoprimime.body_encode(line.decode("latin-1"), _MAX).replace("\n", "\r\n").encode("ascii")
                cost = len(line) + len(encoded)
                if self._spent + cost > self._budget:
                    lines.clear()
                    self._spent = 0
                if cost <= self._budget:
                    lines[line] = encoded
                    self._spent += cost
            out.append(encoded)
        out.append(b"")
        return b"\r\n".join(out) if len(out) > 1 else b"\r\n"


def escaped(text: str) -> str:
    """`text` (one line) as UTF-8 with every byte quoted-printable needs escaped; no cutting yet."""
    return text.encode("utf-8").decode("latin-1").translate(_ESCAPES)


class LineWrapper:
    """One line made of a constant `head`, then per-recipient text; cuts it as body_encode would."""

    def __init__(self, head: str) -> None:
        self._head = escaped(head)
        self._chunks: list[str] = []
        self._resume = _cut(self._head, 0, len(self._head) - 1 - _MAX, self._chunks)

    def encode(self, escaped_rest: str) -> bytes:
        """The encoded line (CRLF-ended) for `head` followed by the already escaped `escaped_rest`."""
        line = self._head + escaped_rest
        chunks = list(self._chunks)
        last_start = len(line) - 1 - _MAX
        start = _cut(line, self._resume, last_start, chunks)
        if line and line[-1] in " \t":
            room = start - last_start
            quoted = quoprimime.quote(line[-1])
            if room >= 3:
                tail = quoted
            elif room == 2:
                tail = line[-1] + "=\r\n"
            else:
                tail = "=\r\n" + quoted
            chunks.append(line[start:-1] + tail)
        else:
            chunks.append(line[start:])
        return ("\r\n".join(chunks) + "\r\n").encode("ascii")


def _cut(line: str, start: int, last_start: int, out: list[str]) -> int:
    """Append the full-width chunks from `start` while one fits; return where the rest begins."""
    while start <= last_start:
        stop = start + _CHUNK
        if line[stop - 2] == "=":  # an escape would straddle the cut: end before it
            out.append(line[start:stop - 1])
            start = stop - 2
        elif line[stop - 1] == "=":
            out.append(line[start:stop])
            start = stop - 1
        else:
            out.append(line[start:stop] + "=")
            start = stop
    return start
