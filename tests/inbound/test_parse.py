"""parse_message reads real mail in every common charset and survives hostile input."""

from __future__ import annotations

import base64
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from inbound.limits import ParseLimits
from inbound.parse import ParsedMessage, parse_message
from tests.inbound.conftest import FIXTURES

HOSTILE = sorted((FIXTURES / "hostile").glob("*.eml"))


def _part(ctype: str, body: bytes, *headers: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in (f"Content-Type: {ctype}", *headers))
    return head.encode() + b"\r\n" + body + b"\r\n"


def _multipart(subtype: str, *parts: bytes, boundary: str = "BND") -> bytes:
    body = b"".join(f"--{boundary}\r\n".encode() + p for p in parts) + f"--{boundary}--\r\n".encode()
    return f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode() + body


def test_envelope_headers_are_read() -> None:
    # Given a typical reply with threading headers and encoded names
    raw = (
        b"From: =?iso-8859-1?q?Jos=E9_Garc=EDa?= <Jose.Garcia@Tienda.example.ES>\r\n"
        b"Reply-To: Shop Office <OFFICE@tienda.example.es>\r\n"
        b'To: PEP <reply+abc@pep.example.org.uk>, "Smith, Jane" <jane@crown-inn.example.co.uk>\r\n'
        b"Cc: ops@tienda.example.es\r\n"
        b"Subject: =?utf-8?q?Re=3A_Caf=C3=A9_alert?=\r\n"
        b"Date: Mon, 3 Nov 2026 10:00:00 +0100\r\n"
        b"Message-ID: <CAF123@mail.example>\r\n"
        b"In-Reply-To: <alert.1@pep.example.org.uk>\r\n"
        b"References: <isa.1@pep.example.org.uk>\r\n <alert.1@pep.example.org.uk>\r\n"
        b"\r\nSeen him.\r\n"
    )
    # When parsed
    msg = parse_message(raw)
    # Then every field has its documented form
    assert msg.from_addr == "jose.garcia@tienda.example.es"
    assert msg.from_name == "José García"
    assert msg.reply_to == "office@tienda.example.es"
    assert msg.to == ["reply+abc@pep.example.org.uk", "jane@crown-inn.example.co.uk"]
    assert msg.cc == ["ops@tienda.example.es"]
    assert msg.subject == "Re: Café alert"
    assert msg.date == datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc)
    assert msg.message_id == "CAF123@mail.example"
    assert msg.in_reply_to == "alert.1@pep.example.org.uk"
    assert msg.references == ["isa.1@pep.example.org.uk", "alert.1@pep.example.org.uk"]
    assert msg.text == "Seen him."
    assert msg.header("subject") == "Re: Café alert"
    assert msg.headers("References") == ["<isa.1@pep.example.org.uk> <alert.1@pep.example.org.uk>"]
    assert msg.header("X-Missing") is None
    assert msg.errors == []


def test_encoded_display_name_cannot_forge_a_sender() -> None:
    # Given a display name that decodes to "chair@pub.example.co.uk,"
    raw = b"From: =?utf-8?q?chair=40pub.example.co.uk=2C?= <attacker@evil.example>\r\n\r\nI agree"
    # When parsed / Then the real address is the sender
    assert parse_message(raw).from_addr == "attacker@evil.example"


def test_unknown_timezone_date_is_aware_utc() -> None:
    # Given a Date with "-0000" (zone unknown) / When parsed / Then the datetime is aware UTC
    msg = parse_message(b"Date: Mon, 3 Nov 2026 10:00:00 -0000\r\n\r\nx")
    assert msg.date is not None and msg.date.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("charset", "encoding", "payload"),
    [
        ("utf-8", "base64", base64.b64encode("Took £20 – café".encode("utf-8"))),
        ("iso-8859-1", "quoted-printable", b"Took =A320 =96 caf=E9"),
        ("windows-1252", "8bit", "Took £20 – café".encode("cp1252")),
        ("iso-8859-15", "8bit", "Took £20 – café".replace("–", "-").encode("iso-8859-15")),
        ("utf-16", "base64", base64.b64encode("\ufeffTook £20 – café".encode("utf-16-le"))),
    ],
)
def test_body_charsets(charset: str, encoding: str, payload: bytes) -> None:
    # Given a body in a charset and transfer encoding UK clients send
    raw = _part(f"text/plain; charset={charset}", payload, f"Content-Transfer-Encoding: {encoding}")
    # When parsed
    msg = parse_message(b"From: a@shop.example.co.uk\r\n" + raw)
    # Then the text reads correctly ("–" has no Latin-9 form, hence the hyphen there)
    assert msg.text in ("Took £20 – café", "Took £20 - café")
    assert msg.errors == []


def test_alternative_prefers_plain_and_keeps_html() -> None:
    # Given multipart/alternative with plain and HTML
    raw = _multipart("alternative", _part("text/plain", b"plain words"), _part("text/html", b"<p>html words</p>"))
    # When parsed / Then text is the plain part and html is kept
    msg = parse_message(raw)
    assert (msg.text, msg.html) == ("plain words", "<p>html words</p>")


def test_html_only_is_converted_to_text() -> None:
    # Given an HTML-only body with a quoted block
    msg = parse_message(_part("text/html; charset=utf-8", b"<div>I agree</div><blockquote>Please confirm</blockquote>"))
    # When parsed / Then text holds the rendered HTML with the quote marked
    assert msg.text == "I agree\n\n> Please confirm"


def test_attachments_inline_images_and_forwarded_mail() -> None:
    # Given a report with a photo attached, an inline logo and a forwarded message
    photo = base64.b64encode(b"\xff\xd8\xff\xe0JPEGDATA")
    raw = _multipart(
        "mixed",
        _multipart("related", _part("text/plain", b"See photo"),
                   _part("image/png", base64.b64encode(b"PNG"), "Content-Transfer-Encoding: base64",
                         "Content-ID: <logo@x>", "Content-Disposition: inline"), boundary="REL"),
        _part('image/jpeg; name="cctv.jpg"', photo, "Content-Transfer-Encoding: base64",
              'Content-Disposition: attachment; filename="cctv.jpg"'),
        _part("message/rfc822", b"From: x@y.example\r\nTo: z@w.example\r\nSubject: fwd\r\n\r\noriginal"),
    )
    # When parsed
    msg = parse_message(raw)
    # Then each non-body part is an attachment with its data decoded
    assert msg.text == "See photo"
    by_type = {a.content_type: a for a in msg.attachments}
    assert by_type["image/png"].inline and by_type["image/png"].content_id == "logo@x"
    assert by_type["image/jpeg"].filename == "cctv.jpg" and by_type["image/jpeg"].data == b"\xff\xd8\xff\xe0JPEGDATA"
    assert not by_type["image/jpeg"].inline
    assert b"Subject: fwd" in by_type["message/rfc822"].data


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_hostile_fixture_parses(path: Path) -> None:
    # Given a malformed or hostile message
    raw = path.read_bytes()
    # When parsed / Then a ParsedMessage comes back with no control characters in its text
    msg = parse_message(raw)
    assert isinstance(msg, ParsedMessage)
    assert "\x00" not in msg.text and "\x00" not in msg.subject


def test_bare_cr_cannot_smuggle_a_header() -> None:
    # Given a Subject with a bare CR followed by a second From
    msg = parse_message((FIXTURES / "hostile" / "bare_cr_smuggling.eml").read_bytes())
    # When parsed / Then the sender is the real one and the error is reported
    assert msg.from_addr == "chair@pub.example.co.uk"
    assert len(msg.headers("From")) == 1
    assert any("bare CR" in e for e in msg.errors)


def test_mislabelled_and_unknown_charsets_are_repaired() -> None:
    # Given Windows-1252 bytes labelled utf-8, and an unknown charset
    wrong = parse_message((FIXTURES / "hostile" / "wrong_charset_label.eml").read_bytes())
    unknown = parse_message((FIXTURES / "hostile" / "unknown_charset.eml").read_bytes())
    # When parsed / Then the text is readable and the unknown label is reported
    assert wrong.text == "Price £5, café"
    assert unknown.text == "Stéve took £5 from the till"
    assert any("x-klingon" in e for e in unknown.errors)


def test_empty_message_reports_an_error() -> None:
    # Given no bytes / When parsed / Then an empty message is reported
    assert parse_message(b"").errors == ["empty message"]


def _timed(raw: bytes, limits: ParseLimits = ParseLimits()) -> ParsedMessage:
    started = time.monotonic()
    msg = parse_message(raw, limits)
    assert time.monotonic() - started < 5, "parsing must stay bounded"
    return msg


def test_ten_thousand_parts_are_cut_at_the_limit() -> None:
    # Given a multipart message with 10,000 parts
    raw = _multipart("mixed", *[_part("text/plain", b"x") for _ in range(10_000)])
    # When parsed
    msg = _timed(raw)
    # Then only the first parts are read and the cut is reported
    assert msg.text.count("x") <= ParseLimits().max_parts
    assert any("MIME parts" in e for e in msg.errors)


def test_deep_nesting_is_cut_at_the_depth_limit() -> None:
    # Given 3,000 nested multiparts
    raw = b"x"
    for level in range(3000):
        raw = _multipart("mixed", raw if level else _part("text/plain", b"deep"), boundary=f"L{level}")
    # When parsed / Then parsing finishes and the depth or part limit is reported
    msg = _timed(b"From: a@b.example\r\n" + raw)
    assert any("nesting" in e or "MIME parts" in e for e in msg.errors)


def test_nested_rfc822_without_boundaries_is_bounded() -> None:
    # Given 50,000 nested message/rfc822 headers
    raw = b"Content-Type: message/rfc822\r\n\r\n" * 50_000 + b"end"
    # When parsed / Then it returns quickly with the limit reported
    assert any("MIME parts" in e for e in _timed(raw).errors)


def test_header_stuffing_is_cut() -> None:
    # Given 100,000 header fields and a 10 MB Subject
    raw = b"".join(b"X-Pad-%d: v\r\n" % i for i in range(100_000)) + b"\r\nbody"
    long_subject = b"Subject: " + b"a" * 10_000_000 + b"\r\n\r\nbody"
    # When parsed
    stuffed, long_line = _timed(raw), _timed(long_subject)
    # Then the header count and line length are bounded and reported
    assert len(stuffed.header_fields) == ParseLimits().max_headers
    assert len(long_line.subject) <= ParseLimits().max_header_line
    assert stuffed.errors and long_line.errors


def test_custom_limits_apply() -> None:
    # Given tight limits and a message that exceeds them
    limits = ParseLimits(max_parts=4, max_part_bytes=10, max_text_chars=5)  # the container counts as a part
    raw = _multipart("mixed", _part("text/plain", b"hello world"), _part("text/plain", b"tiny"),
                     *[_part("application/pdf", b"%PDF") for _ in range(5)])
    # When parsed
    msg = parse_message(raw, limits)
    # Then oversized and surplus parts are dropped with errors
    assert msg.text == "tiny"
    assert len(msg.attachments) == 1
    assert any("larger than 10 bytes" in e for e in msg.errors)
    assert any("more than 4 MIME parts" in e for e in msg.errors)
