"""compose() builds CRLF wire bytes whose headers and parts parse back exactly as intended."""

from __future__ import annotations

import datetime as dt
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outbound.compose import ComposeError, InlineImage, OutAttachment, compose, make_message_id
from outbound.render import Rendered, Renderer

WHEN = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.timezone.utc)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def _base(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "from_addr": "noreply@pep.sussex.example",
        "from_name": "Sussex Police",
        "to_addr": "priya@brighton-pubs.example",
        "to_name": "Priya Shah",
        "message_id": make_message_id("pep.sussex.example", "delivery.4711"),
        "date": WHEN,
    }
    values.update(overrides)
    return values


def _body(message: EmailMessage, subtype: str) -> str:
    """One body part's text with the wire's CRLF line ends turned back into LF."""
    part = message.get_body((subtype,))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")


def _parse(wire: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(wire)
    assert isinstance(message, EmailMessage)
    return message


@pytest.fixture
def rendered(renderer: Renderer, kind_samples: dict[str, dict[str, Any]]) -> Rendered:
    return renderer.render("chair.isa.invitation", kind_samples["chair.isa.invitation"])


def test_a_plain_message_has_text_and_html_alternatives_and_the_headers_given(rendered: Rendered) -> None:
    # Given a rendered invitation
    # When it is composed with a reply address and a bounce address
    wire = compose(rendered, **_base(reply_to="reply+tok.123@pep.sussex.example", return_path="bounces+v.1@pep.sussex.example"))
    message = _parse(wire)
    # Then the headers say who, what and when
    assert message["From"].addresses[0].display_name == "Sussex Police"
    assert message["From"].addresses[0].addr_spec == "noreply@pep.sussex.example"
    assert str(message["To"]) == "Priya Shah <priya@brighton-pubs.example>"
    assert message["Reply-To"] == "reply+tok.123@pep.sussex.example"
    assert message["Return-Path"] == "<bounces+v.1@pep.sussex.example>"
    assert message["Subject"] == rendered.subject
    assert message["Message-ID"] == "<delivery.4711@pep.sussex.example>"
    assert message["Date"].datetime == WHEN
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Precedence"] is None and message["List-Id"] is None
    # And the body is text and HTML alternatives carrying the rendered parts
    assert message.get_content_type() == "multipart/alternative"
    assert _body(message, "plain") == rendered.text
    assert _body(message, "html") == rendered.html + "\n"  # MIME text parts end with a line break


def test_wire_bytes_use_crlf_and_seven_bit_lines(rendered: Rendered) -> None:
    # Given a rendered message with non-ASCII text and long HTML lines
    unicode_rendered = Rendered(subject="Café crawl — notice", text="Ça va? " * 300 + "\n", html=rendered.html)
    # When it is composed
    wire = compose(unicode_rendered, **_base(to_name="Zoë Ørsted"))
    # Then every line ends CRLF, is ASCII and fits the SMTP line limit
    lines = wire.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 998 for line in lines)
    assert wire.isascii()
    # And it parses back to the same text and names
    message = _parse(wire)
    assert message["Subject"] == "Café crawl — notice"
    assert message["To"].addresses[0].display_name == "Zoë Ørsted"
    assert _body(message, "plain") == unicode_rendered.text


def test_bulk_list_headers_and_threading(rendered: Rendered) -> None:
    # Given a digest-style message that answers an earlier one
    # When it is composed as bulk with list headers and references
    wire = compose(
        rendered,
        **_base(
            bulk=True,
            list_id="digest.pep.sussex.example",
            list_unsubscribe="help@pep.sussex.example?subject=DIGEST%20OFF",
            in_reply_to="<abc.1@mail.example>",
            references=["<root.0@mail.example>", "<abc.1@mail.example>"],
            auto_submitted=False,
        ),
    )
    message = _parse(wire)
    # Then the list and threading headers are present and well-formed
    assert message["Precedence"] == "bulk"
    assert message["List-Id"] == "<digest.pep.sussex.example>"
    assert message["List-Unsubscribe"] == "<mailto:help@pep.sussex.example?subject=DIGEST%20OFF>"
    assert message["In-Reply-To"] == "<abc.1@mail.example>"
    assert message["References"] == "<root.0@mail.example> <abc.1@mail.example>"
    # And without auto_submitted there is no Auto-Submitted header
    assert message["Auto-Submitted"] is None


def test_attachments_and_inline_images_nest_as_mixed_alternative_related() -> None:
    # Given HTML that shows a logo by CID, and an ISA file to attach
    rendered = Rendered(subject="ISA", text="See attached.\n", html='<p><img src="cid:logo.1@pep" alt="Sussex Police logo"></p>')
    # When it is composed with both
    wire = compose(
        rendered,
        **_base(
            attachments=[OutAttachment("ISA 2026.1.txt", "Agreement text\n".encode(), "text/plain", charset="utf-8")],
            inline_images=[InlineImage("logo.1@pep", PNG, "Sussex Police logo", "image/png", "logo.png")],
        ),
    )
    message = _parse(wire)
    # Then the structure is mixed(alternative(text, related(html, image)), attachment)
    structure = [part.get_content_type() for part in message.walk()]
    assert structure == ["multipart/mixed", "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png", "text/plain"]
    # And the image is inline with its Content-ID and alt text
    image = next(part for part in message.walk() if part.get_content_type() == "image/png")
    assert image["Content-ID"] == "<logo.1@pep>"
    assert image["Content-Description"] == "Sussex Police logo"
    assert image.get_content_disposition() == "inline"
    assert image.get_content() == PNG
    # And the attachment keeps its name, charset and bytes
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "ISA 2026.1.txt"
    assert attachment.get_content_charset() == "utf-8"
    assert attachment.get_content().replace("\r\n", "\n") == "Agreement text\n"
    # And only the top level declares MIME-Version
    assert wire.count(b"MIME-Version") == 1


@pytest.mark.parametrize("field", ["to_name", "from_name"])
def test_header_injection_through_a_name_adds_no_header(rendered: Rendered, field: str) -> None:
    # Given a display name carrying CR/LF and a Unicode line separator
    hostile = "Evil\r\nBcc: victim@example.com\u2028X-Injected: 1"
    # When the message is composed
    wire = compose(rendered, **_base(**{field: hostile}))
    message = _parse(wire)
    # Then no Bcc or extra header appears; the text stays inside the display name
    assert message["Bcc"] is None and message["X-Injected"] is None
    header = "To" if field == "to_name" else "From"
    assert message[header].addresses[0].display_name == "Evil Bcc: victim@example.com X-Injected: 1"


def test_header_injection_through_the_subject_adds_no_header() -> None:
    # Given a subject carrying CR/LF, a lone LF and a paragraph separator
    rendered = Rendered(subject="Evil\r\nBcc: x@y.example\nX-A: 1\u2029X-B: 2", text="t\n", html="<p>h</p>")
    # When the message is composed
    message = _parse(compose(rendered, **_base()))
    # Then the subject is one line and no header was added
    assert message["Subject"] == "Evil Bcc: x@y.example X-A: 1 X-B: 2"
    assert message["Bcc"] is None and message["X-A"] is None and message["X-B"] is None


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"to_addr": "priya@example.com\r\nBcc: x@y.example"}, "to_addr"),
        ({"to_addr": "not an address"}, "to_addr"),
        ({"from_addr": "noreply@"}, "from_addr"),
        ({"reply_to": "reply@pep.example>, evil@x.example"}, "reply_to"),
        ({"return_path": "b@x.example\n"}, "return_path"),
        ({"message_id": "no-brackets@pep.example"}, "message_id"),
        ({"in_reply_to": "<a@b>\r\nBcc: x@y"}, "in_reply_to"),
        ({"references": ["<ok@a.example>", "<bad id@b>"]}, "references"),
        ({"list_id": "digest pep"}, "list_id"),
        ({"list_unsubscribe": "help@pep.example?subject=a b"}, "list_unsubscribe"),
        ({"date": dt.datetime(2026, 3, 2, 8, 30)}, "timezone-aware"),
    ],
)
def test_bad_envelope_values_are_refused_with_a_clear_error(rendered: Rendered, overrides: dict[str, Any], complaint: str) -> None:
    # Given one malformed value
    # When the message is composed
    # Then a ComposeError names the value at fault
    with pytest.raises(ComposeError, match=complaint):
        compose(rendered, **_base(**overrides))


def test_an_inline_image_the_html_does_not_use_is_refused() -> None:
    # Given HTML that does not refer to the image
    rendered = Rendered(subject="s", text="t\n", html="<p>no image</p>")
    # When it is composed with the image
    # Then a ComposeError says the image is not referenced
    with pytest.raises(ComposeError, match="not referenced"):
        compose(rendered, **_base(inline_images=[InlineImage("logo@pep", PNG, "Logo")]))


def test_an_inline_image_without_alt_text_is_refused() -> None:
    # Given an image with blank alt text
    rendered = Rendered(subject="s", text="t\n", html='<img src="cid:logo@pep">')
    # When it is composed
    # Then a ComposeError asks for alt text
    with pytest.raises(ComposeError, match="alt text"):
        compose(rendered, **_base(inline_images=[InlineImage("logo@pep", PNG, " \n ")]))


def test_attachment_names_lose_paths_and_line_breaks(rendered: Rendered) -> None:
    # Given attachments whose names try to leave the download folder or break the header
    attachments = [
        OutAttachment("../../etc/passwd", b"x"),
        OutAttachment("C:\\Windows\\evil.exe", b"y"),
        OutAttachment("report\r\nContent-Type: evil.pdf", b"z", "application/pdf"),
    ]
    # When the message is composed
    message = _parse(compose(rendered, **_base(attachments=attachments)))
    # Then only a safe last name component is kept for each
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == ["passwd", "evil.exe", "report Content-Type: evil.pdf"]


def test_an_attachment_with_a_malformed_content_type_is_refused(rendered: Rendered) -> None:
    # Given an attachment whose content type tries to add a parameter line
    bad = OutAttachment("a.txt", b"x", "text/plain\r\nX-Evil: 1")
    # When the message is composed
    # Then a ComposeError names the attachment
    with pytest.raises(ComposeError, match="a.txt"):
        compose(rendered, **_base(attachments=[bad]))


def test_message_ids_are_stable_and_checked() -> None:
    # Given a delivery's unique part and the domain
    # When a Message-ID is made twice
    # Then it is the same each time, in angle brackets
    assert make_message_id("pep.example", "d.42") == make_message_id("pep.example", "d.42") == "<d.42@pep.example>"
    # And parts that could break the header are refused
    with pytest.raises(ComposeError):
        make_message_id("pep.example", "d 42")
    with pytest.raises(ComposeError):
        make_message_id("pep.example\r\nBcc: x", "d.42")


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=80), subject=st.text(max_size=120))
def test_no_name_or_subject_can_change_the_set_of_headers(name: str, subject: str) -> None:
    # Given any display name and subject text at all
    rendered = Rendered(subject=subject, text="t\n", html="<p>h</p>")
    # When the message is composed and parsed back
    message = _parse(compose(rendered, **_base(to_name=name, from_name=name)))
    # Then exactly the usual headers are there, and the subject reads as one line
    assert sorted(message.keys()) == sorted(
        ["From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted", "X-Auto-Response-Suppress", "MIME-Version", "Content-Type"]
    )
    assert "\n" not in str(message["Subject"])
