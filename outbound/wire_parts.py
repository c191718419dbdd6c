"""What both fast paths share: a composed message cut into literal bytes, headers to fill and body slots.

A plan composes its message once with `compose()` (placeholder headers, token bodies), keeps the
bytes that are the same for every recipient, and per recipient writes only the headers of its own
with the same library folding `compose()` uses, so the result is the bytes `compose()` would give.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from typing import Any

from outbound.header_values import checked_address, checked_message_id, single_line
from outbound.qp_lines import encode_body

POLICY = policy.SMTP
TEXT_TOKEN = "pepwiretextbody"
HTML_TOKEN = "pepwirehtmlbody"
PLACEHOLDER_ADDRESS = "pepwire@pep.invalid"
PLACEHOLDER_ID = "<pepwire@pep.invalid>"
PLACEHOLDER_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
# Headers that differ per message; compose() writes them, the plan re-folds them.
OWN_HEADERS = ("return-path", "to", "reply-to", "date", "message-id")
# Values whose folded header is simply "Name: value": checked against the library once per shape.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._+=-]+@[A-Za-z0-9.-]+")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*(?: [A-Za-z0-9][A-Za-z0-9'-]*)*")
_PLAIN_ID = re.compile(r"<[A-Za-z0-9._-]+@[A-Za-z0-9.-]+>")
# Words of letters, digits and punctuation that means nothing in an unstructured header (no '=' or '?', which
# could read as an encoded word), one space apart.
_PLAIN_SUBJECT = re.compile(r"[A-Za-z0-9'.,:/-]+(?: [A-Za-z0-9'.,:/-]+)*")
_TOKEN_LINE = re.compile(rb"((?:" + TEXT_TOKEN.encode() + rb"|" + HTML_TOKEN.encode() + rb")[^\r\n]*\r\n)")



def token_html(cids: tuple[str, ...]) -> str:
    """The HTML body a plan's skeleton is composed with: the token and each inline image's cid on one line
    (compose() checks that the HTML shows each image; the line is cut away). ValueError when it cannot fit."""
    html = " ".join([HTML_TOKEN, *(f"cid:{cid}" for cid in cids)]) + "\n"
    if encode_body(html).count(b"\r\n") != 1:
        raise ValueError("too many inline images to name on the HTML token's line")
    return html

@dataclass(frozen=True)
class Envelope:
    """What one message has of its own apart from the template values."""

    to_addr: str
    to_name: str | None
    message_id: str
    date: dt.datetime
    return_path: str
    reply_to: str | None = None


def fold(name: str, value: Any) -> bytes:
    """Exactly what the generator writes for header `name` of an EmailMessage set to `value`."""
    return POLICY.fold_binary(*POLICY.header_store_parse(name, value))


def skeleton(wire: bytes, own_headers: tuple[str, ...]) -> list[bytes | str]:
    """Split a composed template into literal bytes, the names of per-message headers, and the two body
    tokens (a token line may carry more text after the token, e.g. the cids an HTML body must show)."""
    head, _, body = wire.partition(b"\r\n\r\n")
    pieces: list[bytes | str] = []
    for field in re.split(rb"\r\n(?![ \t])", head):
        name = field.split(b":", 1)[0].decode("ascii").lower()
        pieces.append(name if name in own_headers else field + b"\r\n")
    pieces.append(b"\r\n")
    for chunk in _TOKEN_LINE.split(body):
        if _TOKEN_LINE.fullmatch(chunk):
            pieces.append(TEXT_TOKEN if chunk.startswith(TEXT_TOKEN.encode()) else HTML_TOKEN)
        elif chunk:
            pieces.append(chunk)
    if sorted(p for p in pieces if p in (TEXT_TOKEN, HTML_TOKEN)) != [HTML_TOKEN, TEXT_TOKEN]:
        raise ValueError("the composed template lost its body tokens")
    return pieces


class HeaderWriter:
    """Writes one message's own headers; remembers per shape whether the library folds them plainly."""

    def __init__(self) -> None:
        self._date: tuple[dt.datetime, bytes] | None = None
        self._plain_shapes: dict[tuple[str, int, bool], bool] = {}

    def header(self, name: str, envelope: Envelope) -> bytes:
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
        if name == "date":
            cached = self._date
            if cached is None or cached[0] != envelope.date:
                cached = self._date = (envelope.date, fold("Date", envelope.date))
            return cached[1]
        raise ValueError(f"no per-message header {name!r}")

    def subject(self, subject: str) -> bytes:
        """The Subject line, as `fold("Subject", single_line(subject))` writes it."""
        text = single_line(subject)
        return self._plain("Subject", text, _PLAIN_SUBJECT.fullmatch(text) is not None, lambda: text)

    def _plain(self, name: str, text: str, plain: bool, structured: Callable[[], Any]) -> bytes:
        """`Name: text` when the library would write exactly that (known per shape), else the library's fold."""
        line = f"{name}: {text}\r\n"
        if not plain or len(line) > POLICY.max_line_length:
            return fold(name, structured())
        shape = (name, len(line), " " in text)
        known = self._plain_shapes.get(shape)
        if known is None:
            known = self._plain_shapes[shape] = fold(name, structured()) == line.encode("ascii")
        return line.encode("ascii") if known else fold(name, structured())
