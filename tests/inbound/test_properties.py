"""Property test: mutated real messages never make the inbound building blocks raise."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbound.authresults import AuthResults, read_auth_results
from inbound.automatic import automatic_reason
from inbound.bounce import Bounce, detect_bounce
from inbound.parse import Attachment, ParsedMessage, parse_message
from inbound.trim import new_text
from tests.inbound.conftest import FIXTURES

SAMPLES: tuple[bytes, ...] = tuple(
    path.read_bytes() for path in sorted(FIXTURES.glob("*/*.eml")) if path.stat().st_size < 200_000
)
CHARSETS = ("utf-8", "utf-16", "utf-32", "iso-2022-jp", "shift_jis", "cp500", "utf-7", "x-unknown",
            "rot13", "base64", "unicode_escape", "idna", "punycode", "", '"', "utf-8\x00")
INJECTIONS = (b"\r\n", b"\r", b"\n", b"\r\n\r\n", b"\r\nX-Injected: 1\r\n", b"\r\n--BND\r\n", b"\x00",
              b"=?utf-8?q?=E2=80?=", b"\r\n\tfolded", b"<>", b"\xff\xfe")
_CHARSET_PARAM = re.compile(rb"charset=\"?[^\";\r\n]*\"?", re.I)

Mutation = Callable[[st.DrawFn, bytes], bytes]


def _flip(draw: st.DrawFn, raw: bytes) -> bytes:
    if not raw:
        return raw
    index = draw(st.integers(0, len(raw) - 1))
    return raw[:index] + bytes([draw(st.integers(0, 255))]) + raw[index + 1 :]


def _truncate(draw: st.DrawFn, raw: bytes) -> bytes:
    return raw[: draw(st.integers(0, len(raw)))]


def _duplicate_header(draw: st.DrawFn, raw: bytes) -> bytes:
    head, sep, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    line = draw(st.sampled_from(lines))
    copies = draw(st.integers(1, 50))
    return b"\r\n".join([line] * copies + lines) + sep + body


def _inject(draw: st.DrawFn, raw: bytes) -> bytes:
    index = draw(st.integers(0, len(raw)))
    return raw[:index] + draw(st.sampled_from(INJECTIONS)) + raw[index:]


def _swap_charset(draw: st.DrawFn, raw: bytes) -> bytes:
    label = draw(st.sampled_from(CHARSETS)).encode()
    return _CHARSET_PARAM.sub(b"charset=" + label, raw, count=draw(st.integers(0, 3)))


def _insert_bytes(draw: st.DrawFn, raw: bytes) -> bytes:
    index = draw(st.integers(0, len(raw)))
    return raw[:index] + draw(st.binary(max_size=64)) + raw[index:]


MUTATIONS: tuple[Mutation, ...] = (_flip, _truncate, _duplicate_header, _inject, _swap_charset, _insert_bytes)


@st.composite
def mutated_messages(draw: st.DrawFn) -> bytes:
    raw = draw(st.sampled_from(SAMPLES))
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=5)):
        raw = mutation(draw, raw)
    return raw


def _assert_parsed_shape(msg: ParsedMessage) -> None:
    assert isinstance(msg, ParsedMessage)
    for optional in (msg.message_id, msg.from_addr, msg.reply_to, msg.in_reply_to, msg.html):
        assert optional is None or isinstance(optional, str)
    assert isinstance(msg.from_name, str) and isinstance(msg.subject, str) and isinstance(msg.text, str)
    assert all(isinstance(a, str) for a in [*msg.to, *msg.cc, *msg.references, *msg.errors])
    assert msg.date is None or (isinstance(msg.date, datetime) and msg.date.tzinfo is not None)
    assert all(isinstance(a, Attachment) and isinstance(a.data, bytes) for a in msg.attachments)
    assert msg.header("From") is None or isinstance(msg.header("From"), str)
    assert all(isinstance(v, str) for v in msg.headers("Received"))


def test_samples_were_found() -> None:
    # Given the fixture folders / Then there are real messages to mutate
    assert len(SAMPLES) >= 40


@settings(max_examples=200, deadline=5000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_messages())
def test_mutated_messages_never_raise(raw: bytes) -> None:
    # Given a real fixture message mutated by flips, truncation, duplication, injection or charset swaps
    # When every inbound building block runs on it
    msg = parse_message(raw)
    trimmed = new_text(msg.text)
    reason = automatic_reason(msg, "pep.example.org.uk")
    bounce = detect_bounce(msg)
    auth = read_auth_results(msg, "mx.pep.example.org.uk")
    # Then each returns its documented type
    _assert_parsed_shape(msg)
    assert isinstance(trimmed, str)
    assert isinstance(new_text(raw.decode("utf-8", "replace")), str)
    assert reason is None or isinstance(reason, str)
    assert bounce is None or (isinstance(bounce, Bounce) and isinstance(bounce.hard, bool))
    assert isinstance(auth, AuthResults)
