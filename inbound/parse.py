"""Turn raw inbound bytes into a ParsedMessage without ever raising, within ParseLimits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from inbound.html_text import html_to_text
from inbound.limits import ParseLimits
from inbound.mime_split import split_message
from inbound.parse_bounds import bound_body, bound_head, note_once
from inbound.parse_policy import message_policy

_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_ADDR_SPEC = re.compile(r"[^\s@<>()\[\],;:\"]{1,64}@[^\s@<>()\[\],;:\"]{1,255}")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_MSG_ID = re.compile(r"<([^<>\s]{1,990})>")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_SURROGATE = re.compile("[\udc80-\udcff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Codecs that are "text encodings" to Python but interpret escape sequences or hostnames;
# no mail client labels a body with them, so their name on a part is hostile or broken.
_REFUSED_CODECS = frozenset({"unicode_escape", "raw_unicode_escape", "punycode", "idna"})
# WHATWG rule: labels for Latin-1 and ASCII mean windows-1252, which is what Outlook
# actually writes (curly quotes, euro sign in 0x80-0x9f).
_AS_CP1252 = frozenset({"iso8859-1", "latin-1", "latin_1", "ascii", "us-ascii", "iso-8859-1"})


@dataclass
class Attachment:
    """One non-body MIME part: a file, an inline image, or an embedded message/report."""

    filename: str | None
    content_type: str
    data: bytes
    inline: bool
    content_id: str | None


@dataclass
class ParsedMessage:
    """The parts of an inbound message PEP acts on; `errors` lists what was malformed or ignored."""

    message_id: str | None = None
    from_addr: str | None = None
    from_name: str = ""
    reply_to: str | None = None
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    text: str = ""
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    content_type: str = "text/plain"
    header_fields: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        """The first (topmost) value of header `name`, decoded and unfolded, or None."""
        values = self.headers(name)
        return values[0] if values else None

    def headers(self, name: str) -> list[str]:
        """Every value of header `name`, topmost first."""
        wanted = name.lower()
        return [value for key, value in self.header_fields if key.lower() == wanted]


def parse_message(raw: bytes, limits: ParseLimits = ParseLimits(), *, fast_split: bool = True) -> ParsedMessage:
    """Parse `raw`; malformed input yields a ParsedMessage with `errors`, never an exception.

    `fast_split=False` always uses the stdlib feed parser (tests compare the two paths)."""
    result = ParsedMessage()
    if not raw or not raw.strip():
        result.errors.append("empty message")
        return result
    try:
        _parse_into(raw, limits, result, fast_split)
    except Exception as exc:  # last line of defence: hostile input must never crash intake
        result.errors.append(f"message could not be fully parsed ({type(exc).__name__})")
    return result


def _parse_into(raw: bytes, limits: ParseLimits, result: ParsedMessage, fast_split: bool) -> None:
    head, body = _split_head(raw)
    head = bound_head(head, limits, result.errors)
    body = bound_body(head, body, limits, result.errors)
    try:
        # The splitter gives up (None) on anything unusual; the feed parser reads everything.
        reading = message_policy()
        msg = split_message(head + body, reading) if fast_split else None
        if msg is None:
            msg = BytesParser(policy=reading).parsebytes(head + body)
    except Exception as exc:  # the stdlib parser has crash bugs on hostile input
        result.errors.append(f"message structure unreadable ({type(exc).__name__}); body read as plain text")
        result.text = _body_text(_decode_bytes(body.strip(), "utf-8"))[: limits.max_text_chars]
        _read_headers(BytesParser(policy=policy.default).parsebytes(head + b"\r\n\r\n", headersonly=True), result)
        return
    _read_headers(msg, result)
    _read_parts(msg, limits, result)


def _split_head(raw: bytes) -> tuple[bytes, bytes]:
    if raw.startswith((b"\n", b"\r\n")):
        return b"", raw
    match = _BLANK_LINE.search(raw)
    if match is None:
        return raw, b""
    return raw[: match.start()], raw[match.start() :]


def _read_headers(msg: Message, result: ParsedMessage) -> None:
    raw_fields: list[tuple[str, str]] = []
    for name, raw_value in msg.raw_items():
        name = _clean(_clean_surrogates(str(name))).strip()
        raw_fields.append((name.lower(), _clean(_FOLD.sub("", _clean_surrogates(str(raw_value))))))
        result.header_fields.append((name, _decode_header_value(raw_value)))

    def raw(name: str) -> list[str]:
        return [value for key, value in raw_fields if key == name]

    result.subject = result.header("Subject") or ""
    result.message_id = _first_msg_id(result.header("Message-ID"))
    result.in_reply_to = _first_msg_id(result.header("In-Reply-To"))
    result.references = _MSG_ID.findall(" ".join(result.headers("References")))
    senders = _addresses(raw("from"))
    if senders:
        result.from_name, result.from_addr = senders[0]
    elif raw("from"):
        result.errors.append("From header has no usable address")
    if len(result.headers("From")) > 1:
        result.errors.append("more than one From header; the first is used")
    reply_to = _addresses(raw("reply-to"))
    result.reply_to = reply_to[0][1] if reply_to else None
    result.to = [addr for _, addr in _addresses(raw("to"))]
    result.cc = [addr for _, addr in _addresses(raw("cc"))]
    result.date = _date(result.header("Date"), result.errors)
    try:
        result.content_type = msg.get_content_type()
    except Exception:
        result.errors.append("Content-Type unreadable; text/plain assumed")


def _decode_header_value(raw_value: object) -> str:
    text = _clean_surrogates(str(raw_value))
    text = _FOLD.sub("", text)
    try:
        chunks = decode_header(text)
    except Exception:
        return _clean(text).strip()
    decoded = "".join(
        chunk if isinstance(chunk, str) else
        (chunk.decode("raw-unicode-escape", "replace") if charset is None else _decode_bytes(chunk, charset))
        for chunk, charset in chunks
    )
    return _clean(decoded).strip()


def _addresses(raw_values: list[str]) -> list[tuple[str, str]]:
    """(display name, lowercased addr-spec) pairs from undecoded header values.

    Addresses are split before encoded-words are decoded, so a display name such as
    "=?utf-8?q?chair=40pub.example=2C?=" cannot smuggle in a second, forged address.
    """
    try:
        pairs = getaddresses(raw_values)
    except Exception:
        return []
    return [(_decode_header_value(name), addr.strip().lower()) for name, addr in pairs if _ADDR_SPEC.fullmatch(addr.strip())]


def _first_msg_id(value: str | None) -> str | None:
    if not value:
        return None
    match = _MSG_ID.search(value)
    if match:
        return match.group(1)
    bare = value.strip().split()
    return bare[0].strip("<>")[:990] if bare and "@" in bare[0] else None


def _date(value: str | None, errors: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except Exception:
        errors.append(f"unreadable Date header: {value[:80]!r}")
        return None
    # "-0000" means "timezone unknown" (RFC 5322 3.3); UTC is the honest reading.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _read_parts(msg: Message, limits: ParseLimits, result: ParsedMessage) -> None:
    state = _WalkState()
    _walk(msg, 0, limits, result, state)
    plain = _body_text("\n".join(state.plain)).strip("\n")
    if state.html is not None:
        result.html = _body_text(state.html[: limits.max_text_chars])
    if plain:
        result.text = plain
    elif result.html:
        try:
            result.text = html_to_text(result.html)
        except Exception as exc:
            result.errors.append(f"HTML body could not be converted to text ({type(exc).__name__})")
    if len(result.text) > limits.max_text_chars:
        result.errors.append(f"body text longer than {limits.max_text_chars} characters truncated")
        result.text = result.text[: limits.max_text_chars]


@dataclass
class _WalkState:
    parts: int = 0
    total_bytes: int = 0
    plain: list[str] = field(default_factory=list)
    html: str | None = None



def _walk(part: Message, depth: int, limits: ParseLimits, result: ParsedMessage, state: _WalkState) -> None:
    state.parts += 1
    if state.parts > limits.max_parts:
        note_once(result.errors, f"more than {limits.max_parts} MIME parts; the rest ignored")
        return
    if depth > limits.max_depth:
        note_once(result.errors, f"MIME nesting deeper than {limits.max_depth}; deeper parts ignored")
        return
    try:
        ctype = part.get_content_type()
        if ctype.startswith("multipart/"):
            payload = part.get_payload()
            if isinstance(payload, str):
                result.errors.append(f"{ctype} part without usable boundary read as plain text")
                state.plain.append(_decode_bytes(payload.encode("utf-8", "surrogateescape"), None))
                return
            for sub in payload if isinstance(payload, list) else []:
                if isinstance(sub, Message):
                    _walk(sub, depth + 1, limits, result, state)
            return
        if ctype.startswith("message/"):
            _add_attachment(part, ctype, _embedded_bytes(part), limits, result, state)
            return
        _leaf(part, ctype, limits, result, state)
    except Exception as exc:
        result.errors.append(f"MIME part {state.parts} unreadable ({type(exc).__name__}); ignored")


def _leaf(part: Message, ctype: str, limits: ParseLimits, result: ParsedMessage, state: _WalkState) -> None:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        data = b""
    disposition = (part.get_content_disposition() or "").lower()
    is_body = disposition != "attachment" and not _safe_filename(part)
    if is_body and ctype == "text/plain":
        if _within_budget(data, limits, result, state):
            state.plain.append(_decode_bytes(data, part.get_content_charset(), result.errors))
        return
    if is_body and ctype == "text/html" and state.html is None:
        if _within_budget(data, limits, result, state):
            state.html = _decode_bytes(data, part.get_content_charset(), result.errors)
        return
    _add_attachment(part, ctype, data, limits, result, state)


def _add_attachment(part: Message, ctype: str, data: bytes, limits: ParseLimits,
                    result: ParsedMessage, state: _WalkState) -> None:
    if not _within_budget(data, limits, result, state):
        return
    content_id = _first_msg_id(_decode_header_value(part.get("Content-ID", "")))
    result.attachments.append(Attachment(
        filename=_safe_filename(part),
        content_type=ctype,
        data=data,
        inline=(part.get_content_disposition() or "").lower() == "inline" or content_id is not None,
        content_id=content_id,
    ))


def _within_budget(data: bytes, limits: ParseLimits, result: ParsedMessage, state: _WalkState) -> bool:
    if len(data) > limits.max_part_bytes:
        result.errors.append(f"MIME part {state.parts} larger than {limits.max_part_bytes} bytes ignored")
        return False
    if state.total_bytes + len(data) > limits.max_total_bytes:
        note_once(result.errors, f"decoded parts exceed {limits.max_total_bytes} bytes; the rest ignored")
        return False
    state.total_bytes += len(data)
    return True


def _safe_filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        return None
    return _clean(_clean_surrogates(name)).strip() or None if name else None


def _embedded_bytes(part: Message) -> bytes:
    """Bytes of a message/* part: the embedded message, or the header blocks of a DSN."""
    payload = part.get_payload()
    if part.get_content_type() == "message/rfc822" and isinstance(payload, list) and payload \
            and isinstance(payload[0], Message):
        try:
            return payload[0].as_bytes()
        except Exception:
            pass  # fall back to rebuilding the header block below
    if isinstance(payload, list):
        blocks = [_header_block(sub) for sub in payload if isinstance(sub, Message)]
        text = "\r\n\r\n".join(blocks)
        if part.get_content_type() == "message/rfc822" and payload and isinstance(payload[0], Message):
            body = payload[0].get_payload(decode=False)
            if isinstance(body, str):
                text += "\r\n\r\n" + body
        return text.encode("utf-8", "surrogateescape")
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _header_block(msg: Message) -> str:
    return "\r\n".join(f"{name}: {_FOLD.sub('', str(value))}" for name, value in msg.raw_items())


def _decode_bytes(data: bytes, charset: str | None, errors: list[str] | None = None) -> str:
    """Decode body or header bytes by their label, repairing the labels clients get wrong."""
    label = (charset or "").strip().strip('"').lower()
    if label in _AS_CP1252 or not label or (label in ("utf-8", "utf8") and not _UTF8_SEQUENCE.search(data)):
        # A "utf-8" label on bytes without a single UTF-8 sequence is a mislabelled
        # Windows-1252 body (common from older webmail); decoding as UTF-8 would lose every £.
        try:
            return data.decode("utf-8")  # unlabelled or "ascii" 8-bit text is usually UTF-8
        except UnicodeDecodeError:
            return data.decode("cp1252", "replace")
    try:
        if label.replace("-", "_") in _REFUSED_CODECS:
            raise LookupError(label)
        return data.decode(label, "replace")
    except Exception:
        if errors is not None:
            errors.append(f"unknown charset {label[:40]!r}; decoded as UTF-8")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", "replace")


def _clean_surrogates(text: str) -> str:
    """Header bytes the parser could not decode arrive as lone surrogates: recover them."""
    if not _SURROGATE.search(text):
        return text
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _body_text(text: str) -> str:
    """Unix newlines and no control characters (NUL cannot even be stored in PostgreSQL text)."""
    return _BODY_CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _clean(text: str) -> str:
    text = text.encode("utf-8", "replace").decode("utf-8")  # any lone surrogate left over
    return _CONTROL.sub("", text.replace("\r", " ").replace("\n", " "))
