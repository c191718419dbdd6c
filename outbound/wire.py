"""The fast path: compose a broadcast once, then fill each recipient's values into its wire bytes.

Building every message with Jinja, `EmailMessage` and `as_bytes()` costs milliseconds, almost
all of it spent on text that is the same for every recipient. A `WirePlan` renders the
broadcast once with marker values in place of the per-recipient ones, composes it once, and
keeps the result as byte pieces. Per recipient only the pieces that differ are made, with the
same library functions the slow path uses (header folding, quoted-printable line encoding), so
the bytes are identical to `compose()`'s: tests/outbound/test_wire_fast_path.py proves it, and
`outbound.batch` checks the first message of every plan against the slow path before trusting it.

Quoted-printable encoding is line by line (a soft break never crosses a line end), which is
what makes encoding only the lines that hold a per-recipient value exact.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from email import quoprimime
from typing import Any

import markupsafe

from outbound.compose import OutAttachment, compose
from outbound.header_values import single_line
from outbound.qp_lines import LineWrapper, escaped
from outbound.render import Renderer, Rendered
from outbound.wire_parts import (HTML_TOKEN, OWN_HEADERS, PLACEHOLDER_ADDRESS, PLACEHOLDER_DATE, PLACEHOLDER_ID,
                                 POLICY, TEXT_TOKEN, Envelope, HeaderWriter, skeleton)

__all__ = ["Envelope", "WirePlan", "usable_value"]

_MARKER = re.compile(r"pepslot([ab])(\d+)z", re.IGNORECASE)


def usable_value(value: Any) -> bool:
    """A per-recipient value the fast path can place: non-empty text on one tidy line.

    Anything else (a line break, edge spaces, an empty name) is left to the slow path, whose
    text tidying could treat it differently.
    """
    return isinstance(value, str) and value != "" and single_line(value) == value


class WirePlan:
    """One broadcast's message with holes for the per-recipient values and headers."""

    def __init__(self, pieces: list[bytes | str], text_lines: list[Any], html_lines: list[Any],
                 keys: tuple[str, ...]) -> None:
        self._skeleton = pieces
        self._text = text_lines
        self._html = html_lines
        self.keys = keys
        self.verified = False  # set once a message came out identical to the slow path's
        self._headers = HeaderWriter()

    @classmethod
    def build(cls, renderer: Renderer, kind: str, shared: Mapping[str, Any], keys: Sequence[str], *,
              compose_args: Mapping[str, Any], attachments: Sequence[OutAttachment] = ()) -> WirePlan | None:
        """The plan, or None when the template uses a per-recipient value in a way only the slow
        path can reproduce (in the Subject, or changed by a filter)."""
        keys = tuple(keys)
        first = renderer.render(kind, {**shared, **{k: f"pepslota{i}z" for i, k in enumerate(keys)}})
        second = renderer.render(kind, {**shared, **{k: f"pepslotb{i}z" for i, k in enumerate(keys)}})
        if _MARKER.search(first.subject) or first.subject != second.subject:
            return None
        text_lines = _line_plan(first.text, second.text)
        html_lines = _line_plan(first.html, second.html)
        if text_lines is None or html_lines is None:
            return None
        wire = compose(Rendered(first.subject, TEXT_TOKEN + "\n", HTML_TOKEN + "\n"),
                       to_addr=PLACEHOLDER_ADDRESS, to_name=None, message_id=PLACEHOLDER_ID,
                       date=PLACEHOLDER_DATE, return_path=PLACEHOLDER_ADDRESS,
                       reply_to=PLACEHOLDER_ADDRESS, attachments=attachments, **compose_args)
        return cls(skeleton(wire, OWN_HEADERS), text_lines, html_lines, keys)

    def message(self, envelope: Envelope, values: Mapping[str, str]) -> bytes:
        """This recipient's message; `values` must pass `usable_value` (the caller checks)."""
        plain = [values[k] for k in self.keys]
        texts = [escaped(v) for v in plain]
        htmls = [escaped(str(markupsafe.escape(v))) for v in plain]
        out: list[bytes] = []
        for piece in self._skeleton:
            if isinstance(piece, bytes):
                out.append(piece)
            elif piece == TEXT_TOKEN:
                out.extend(_fill_lines(self._text, texts))
            elif piece == HTML_TOKEN:
                out.extend(_fill_lines(self._html, htmls))
            else:
                out.append(self._headers.header(piece, envelope))
        return b"".join(out)


def _line_plan(first: str, second: str) -> list[Any] | None:
    """Each line of a rendered body: its encoded bytes when it is the same for everyone, else
    (pieces, slots) to fill. None when the two marker renders disagree in shape."""
    first_lines = first.encode("utf-8").splitlines()
    second_lines = second.encode("utf-8").splitlines()
    if len(first_lines) != len(second_lines):
        return None
    plan: list[Any] = []
    for line_a, line_b in zip(first_lines, second_lines):
        text_a, text_b = line_a.decode("utf-8"), line_b.decode("utf-8")
        parts_a, parts_b = _MARKER.split(text_a), _MARKER.split(text_b)
        # re.split with two groups gives [text, which, number, text, which, number, text, …]
        if parts_a[0::3] != parts_b[0::3] or parts_a[2::3] != parts_b[2::3]:
            return None
        if any(w != "a" for w in parts_a[1::3]) or any(w != "b" for w in parts_b[1::3]):
            return None  # a marker changed case: a filter touched the value
        if len(parts_a) == 1:
            plan.append(_encode_line(line_a))
        else:
            pieces = parts_a[0::3]
            plan.append((LineWrapper(pieces[0]), [escaped(p) for p in pieces[1:]], [int(n) for n in parts_a[2::3]]))
    return _merged(plan)


def _merged(plan: list[Any]) -> list[Any]:
    # Runs of lines that are the same for everyone become one piece: fewer joins per message.
    out: list[Any] = []
    for line in plan:
        if isinstance(line, bytes) and out and isinstance(out[-1], bytes):
            out[-1] += line
        else:
            out.append(line)
    return out


def _fill_lines(plan: list[Any], values: list[str]) -> list[bytes]:
    out = []
    for line in plan:
        if isinstance(line, bytes):
            out.append(line)
        else:
            wrapper, rest, slots = line
            out.append(wrapper.encode("".join(values[s] + p for s, p in zip(slots, rest))))
    return out


def _encode_line(line: bytes) -> bytes:
    # As email.contentmanager does for a quoted-printable text part, one line at a time.
    encoded = quoprimime.body_encode(line.decode("latin-1") + "\n", POLICY.max_line_length)
    return encoded.replace("\n", "\r\n").encode("ascii")
