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

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email import policy, quoprimime
from email.headerregistry import Address
from typing import Any

import markupsafe

from outbound.compose import OutAttachment, compose
from outbound.header_values import checked_address, checked_message_id, single_line
from outbound.qp_lines import LineWrapper, escaped
from outbound.render import Renderer, Rendered

_POLICY = policy.SMTP
_TEXT_TOKEN = "pepwiretextbody"
_HTML_TOKEN = "pepwirehtmlbody"
_MARKER = re.compile(r"pepslot([ab])(\d+)z", re.IGNORECASE)
# Headers that differ per message; compose() writes them, the plan re-folds them.
_OWN_HEADERS = ("return-path", "to", "reply-to", "date", "message-id")
_PLACEHOLDER_ADDRESS = "pepwire@pep.invalid"
# Values whose folded header is simply "Name: value": checked against the library once per shape.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._+=-]+@[A-Za-z0-9.-]+")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*(?: [A-Za-z0-9][A-Za-z0-9'-]*)*")
_PLAIN_ID = re.compile(r"<[A-Za-z0-9._-]+@[A-Za-z0-9.-]+>")


@dataclass(frozen=True)
class Envelope:
    """What one message has of its own apart from the template values."""

    to_addr: str
    to_name: str | None
    message_id: str
    date: dt.datetime
    return_path: str
    reply_to: str | None = None


def usable_value(value: Any) -> bool:
    """A per-recipient value the fast path can place: non-empty text on one tidy line.

    Anything else (a line break, edge spaces, an empty name) is left to the slow path, whose
    text tidying could treat it differently.
    """
    return isinstance(value, str) and value != "" and single_line(value) == value


class WirePlan:
    """One broadcast's message with holes for the per-recipient values and headers."""

    def __init__(self, skeleton: list[bytes | str], text_lines: list[Any], html_lines: list[Any],
                 keys: tuple[str, ...]) -> None:
        self._skeleton = skeleton
        self._text = text_lines
        self._html = html_lines
        self.keys = keys
        self.verified = False  # set once a message came out identical to the slow path's
        self._date_cache: tuple[dt.datetime, bytes] | None = None
        self._plain_shapes: dict[tuple[str, int, bool], bool] = {}

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
        wire = compose(Rendered(first.subject, _TEXT_TOKEN + "\n", _HTML_TOKEN + "\n"),
                       to_addr=_PLACEHOLDER_ADDRESS, to_name=None, message_id="<pepwire@pep.invalid>",
                       date=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc), return_path=_PLACEHOLDER_ADDRESS,
                       reply_to=_PLACEHOLDER_ADDRESS, attachments=attachments, **compose_args)
        return cls(_skeleton(wire), text_lines, html_lines, keys)

    def message(self, envelope: Envelope, values: Mapping[str, str]) -> bytes:
        """This recipient's message; `values` must pass `usable_value` (the caller checks)."""
        plain = [values[k] for k in self.keys]
        texts = [escaped(v) for v in plain]
        htmls = [escaped(str(markupsafe.escape(v))) for v in plain]
        out: list[bytes] = []
        for piece in self._skeleton:
            if isinstance(piece, bytes):
                out.append(piece)
            elif piece == _TEXT_TOKEN:
                out.extend(_fill_lines(self._text, texts))
            elif piece == _HTML_TOKEN:
                out.extend(_fill_lines(self._html, htmls))
            else:
                out.append(self._header(piece, envelope))
        return b"".join(out)

    def _header(self, name: str, envelope: Envelope) -> bytes:
        if name == "return-path":
            address = checked_address(envelope.return_path, "return_path")
            return self._plain("Return-Path", f"<{address}>", _PLAIN_ADDRESS.fullmatch(address) is not None,
                               lambda: f"<{address}>")
        if name == "to":
            address = checked_address(envelope.to_addr, "to_addr")
            display = single_line(envelope.to_name or "")
            plain = _PLAIN_ADDRESS.fullmatch(address) is not None and (
                display == "" or _PLAIN_NAME.fullmatch(display) is not None)
            return self._plain("To", f"{display} <{address}>" if display else address, plain,
                               lambda: Address(display, addr_spec=address))
        if name == "reply-to":
            if envelope.reply_to is None:
                return b""
            address = checked_address(envelope.reply_to, "reply_to")
            return self._plain("Reply-To", address, _PLAIN_ADDRESS.fullmatch(address) is not None,
                               lambda: Address(addr_spec=address))
        if name == "message-id":
            message_id = checked_message_id(envelope.message_id, "message_id")
            return self._plain("Message-ID", message_id, _PLAIN_ID.fullmatch(message_id) is not None,
                               lambda: message_id)
        cached = self._date_cache
        if cached is None or cached[0] != envelope.date:
            cached = self._date_cache = (envelope.date, _fold("Date", envelope.date))
        return cached[1]


    def _plain(self, name: str, text: str, plain: bool, structured: Any) -> bytes:
        """`Name: text` when the library would write exactly that (known per shape), else the library's fold."""
        line = f"{name}: {text}\r\n"
        if not plain or len(line) > _POLICY.max_line_length:
            return _fold(name, structured())
        shape = (name, len(line), " " in text)
        known = self._plain_shapes.get(shape)
        if known is None:
            known = self._plain_shapes[shape] = _fold(name, structured()) == line.encode("ascii")
        return line.encode("ascii") if known else _fold(name, structured())


def _fold(name: str, value: Any) -> bytes:
    # Exactly what the generator does for each header of an EmailMessage.
    return _POLICY.fold_binary(*_POLICY.header_store_parse(name, value))


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
    encoded = quoprimime.body_encode(line.decode("latin-1") + "\n", _POLICY.max_line_length)
    return encoded.replace("\n", "\r\n").encode("ascii")


def _skeleton(wire: bytes) -> list[bytes | str]:
    """Split the composed template into literal bytes, per-message headers and body tokens."""
    head, _, body = wire.partition(b"\r\n\r\n")
    pieces: list[bytes | str] = []
    for field in re.split(rb"\r\n(?![ \t])", head):
        name = field.split(b":", 1)[0].decode("ascii").lower()
        pieces.append(name if name in _OWN_HEADERS else field + b"\r\n")
    pieces.append(b"\r\n")
    for chunk in re.split(rb"(" + _TEXT_TOKEN.encode() + rb"\r\n|" + _HTML_TOKEN.encode() + rb"\r\n)", body):
        if chunk in (_TEXT_TOKEN.encode() + b"\r\n", _HTML_TOKEN.encode() + b"\r\n"):
            pieces.append(chunk[:-2].decode("ascii"))
        elif chunk:
            pieces.append(chunk)
    if sum(1 for p in pieces if p in (_TEXT_TOKEN, _HTML_TOKEN)) != 2:
        raise ValueError("the composed template lost its body tokens")
    return pieces
