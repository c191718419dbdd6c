"""The boundary splitter reads every message exactly as the stdlib feed parser does, or hands it over."""

from __future__ import annotations

import base64
import quopri
from email.message import Message
from email.parser import BytesParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbound.mime_split import split_message
from inbound.parse import parse_message
from inbound.parse_policy import message_policy
from tests.inbound.test_properties import SAMPLES, mutated_messages

BOUNDARY_CHARS = "abcXYZ019'()+_,-./:=? "
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\r"), max_size=300)
CTE = ("7bit", "8bit", "base64", "quoted-printable", None)
LEAF_TYPES = ("text/plain", "text/html", "image/jpeg", "application/pdf", "text/calendar", "application/octet-stream")


def _encode(data: bytes, cte: str | None, eol: bytes) -> bytes:
    if cte == "base64":
        return base64.encodebytes(data).replace(b"\n", eol)
    if cte == "quoted-printable":
        return quopri.encodestring(data).replace(b"\n", eol)
    return data.replace(b"\r\n", b"\n").replace(b"\n", eol)


@st.composite
def leaves(draw: st.DrawFn, eol: bytes) -> bytes:
    ctype = draw(st.sampled_from(LEAF_TYPES))
    cte = draw(st.sampled_from(CTE))
    data = draw(TEXT).encode("utf-8") if ctype.startswith("text/") or draw(st.booleans()) else draw(st.binary())
    if not ctype.startswith("text/"):
        cte = "base64"
    lines = [f"Content-Type: {ctype}; charset=\"{draw(st.sampled_from(['utf-8', 'iso-8859-1', 'x-odd']))}\""
             .encode()]
    if cte:
        lines.append(f"Content-Transfer-Encoding: {cte}".encode())
    if draw(st.booleans()):
        name = draw(st.sampled_from(["photo.jpg", "notes.txt", "=?utf-8?q?caf=C3=A9.pdf?=", "a b.png"]))
        kind = draw(st.sampled_from(["attachment", "inline"]))
        lines.append(f'Content-Disposition: {kind}; filename="{name}"'.encode())
    if draw(st.booleans()):
        lines.append(b"Content-ID: <part" + str(draw(st.integers(0, 9))).encode() + b"@example.org>")
    return eol.join(lines) + eol + eol + _encode(data, cte, eol)


@st.composite
def entities(draw: st.DrawFn, eol: bytes, depth: int = 0) -> bytes:
    if depth >= 3 or draw(st.integers(0, 2)) == 0:
        return draw(leaves(eol))
    # RFC 2046: an inner boundary never starts with an outer one; the level tag sees to that.
    boundary = f"L{depth}" + draw(st.text(BOUNDARY_CHARS, max_size=30)).rstrip()
    subtype = draw(st.sampled_from(["mixed", "alternative", "related"]))
    quoted = draw(st.booleans())
    token = all(ch.isalnum() or ch in "_.+-" for ch in boundary)
    param = boundary if token and not quoted else f'"{boundary}"'
    parts = draw(st.lists(entities(eol, depth + 1), min_size=1, max_size=4))
    preamble = draw(st.sampled_from([b"", b"This is a multi-part message in MIME format." + eol]))
    out = f"Content-Type: multipart/{subtype}; boundary={param}".encode() + eol + eol + preamble
    for part in parts:
        out += b"--" + boundary.encode() + draw(st.sampled_from([b"", b" ", b"\t"])) + eol + part + eol
    close = b"--" + boundary.encode() + b"--"
    epilogue = draw(st.sampled_from([b"", eol, eol + b"epilogue text" + eol]))
    return out + close + draw(st.sampled_from([b"", eol])) + epilogue


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    eol = draw(st.sampled_from([b"\r\n", b"\n"]))
    top = (b"From: Shop Keeper <keeper@example.org>" + eol + b"To: incident@pep.example.org.uk" + eol
           + b"Subject: =?utf-8?q?Theft_=E2=80=93_High_St?=" + eol + b"MIME-Version: 1.0" + eol)
    return top + draw(entities(eol))


JUNK = (b"\r\n", b"\n", b"\r", b"--", b"\r\n--", b"\r\nContent-Type: message/rfc822\r\n", b"no header line\r\n",
        b"\r\n\r\n", b"boundary=", b"--b--\r\n", b"\x00", b"\xff")


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    raw = draw(messages())
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(raw)))
        if draw(st.booleans()):
            raw = raw[:index] + draw(st.sampled_from(JUNK)) + raw[index:]
        else:
            raw = raw[:index] + raw[index + draw(st.integers(1, 40)) :]
    return raw


def _tree(msg: Message) -> list[tuple[object, ...]]:
    """What `inbound.parse` reads of a parsed message: headers, types and payload strings, part by part."""
    return [(part.get_content_type(), list(part.raw_items()),
             None if part.is_multipart() else _payload(part)) for part in msg.walk()]


def _payload(part: Message) -> object:
    """The payload string, or the error reading it raises (a NUL in the charset name raises ValueError)."""
    try:
        return part.get_payload()
    except (ValueError, LookupError) as exc:
        return type(exc).__name__


def _both_ways(raw: bytes) -> None:
    assert parse_message(raw) == parse_message(raw, fast_split=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(messages())
def test_well_formed_messages_split_like_the_feed_parser(raw: bytes) -> None:
    # Given a well-formed MIME message: nested multiparts, odd boundaries, every transfer encoding
    split = split_message(raw, message_policy())
    # Then the splitter takes it, builds the feed parser's tree, and parsing gives the same result
    assert split is not None
    assert _tree(split) == _tree(BytesParser(policy=message_policy()).parsebytes(raw))
    _both_ways(raw)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(damaged())
def test_damaged_messages_parse_the_same_either_way(raw: bytes) -> None:
    # Given a message with inserted line breaks, stray delimiters, non-header lines or cut bytes
    split = split_message(raw, message_policy())
    # Then the splitter either hands it over or builds the same tree, and parsing agrees
    if split is not None:
        assert _tree(split) == _tree(BytesParser(policy=message_policy()).parsebytes(raw))
    _both_ways(raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_messages())
def test_mutated_real_messages_parse_the_same_either_way(raw: bytes) -> None:
    # Given a real fixture message (replies, bounces, DSNs, hostile mail) mutated / Then both paths agree
    _both_ways(raw)


def test_every_fixture_parses_the_same_either_way() -> None:
    # Given every real fixture message / Then the fast and the stdlib path give the same result
    for raw in SAMPLES:
        _both_ways(raw)


def test_unusual_shapes_are_handed_to_the_feed_parser() -> None:
    # Given shapes the feed parser treats in its own way
    crlf = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
    unusual = [
        crlf + b"--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: x\r\n\r\nbody\r\n--b--\r\n",
        crlf + b"--b\r\n--b\r\n\r\ntext\r\n--b--\r\n",  # doubled delimiter
        crlf + b"--b\r\n\r\ntext\r\n",  # no close delimiter
        crlf + b"--b\r\nnot a header\r\n\r\ntext\r\n--b--\r\n",
        crlf + b"--b\r\n\r\ntext\rmore\r\n--b--\r\n",  # bare CR
        b"Content-Type: multipart/mixed\r\n\r\n--b\r\n\r\ntext\r\n--b--\r\n",  # no boundary
        b"Content-Type: multipart/digest; boundary=b\r\n\r\n--b\r\n\r\nSubject: x\r\n\r\nhi\r\n--b--\r\n",
    ]
    for raw in unusual:
        # Then the splitter declines, and parse_message still reads them as before
        assert split_message(raw, message_policy()) is None
        _both_ways(raw)


def _nested(levels: int) -> bytes:
    raw = b"Content-Type: text/plain\r\n\r\ndeepest text\r\n"
    for level in range(levels):
        boundary = f"level{level}".encode()
        raw = (b"Content-Type: multipart/mixed; boundary=" + boundary + b"\r\n\r\n--" + boundary + b"\r\n" + raw
               + b"\r\n--" + boundary + b"--\r\n")
    return b"From: a@shop.example\r\n" + raw


def test_deep_nesting_is_bounded_the_same_either_way() -> None:
    # Given messages nested just past the parse limit, and past the splitter's own depth
    for levels, taken in ((11, True), (20, False)):
        raw = _nested(levels)
        # Then the splitter takes the first and hands over the second, and the limit applies the same
        assert (split_message(raw, message_policy()) is not None) is taken
        _both_ways(raw)
        assert any("nesting deeper" in error for error in parse_message(raw).errors)
