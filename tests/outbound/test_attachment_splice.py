"""Splicing big attachments into a composed message gives byte for byte what compose() gives."""
from __future__ import annotations

import base64
import datetime as dt
import email
import os
from email import policy

import pytest
from hypothesis import given, settings, strategies as st

from outbound.attachment_splice import SPLICE_FROM_BYTES, compose_with_attachments
from outbound.compose import InlineImage, OutAttachment, compose
from outbound.render import Rendered

OPTIONS = {"from_addr": "pep@pep.test", "from_name": "Sussex Police", "to_addr": "east-team@police.test",
           "to_name": "East Team", "message_id": "<d7.1764237600@pep.test>",
           "date": dt.datetime(2026, 11, 27, 10, 0, 5, tzinfo=dt.timezone.utc),
           "reply_to": "reply+abc123@pep.test", "return_path": "bounces+xyz@pep.test", "boundary": "=_pep.r7_="}
RENDERED = Rendered("Incident PEP-2026-000123", "When: today\nWhere: the shop\n\nHe left.\n",
                    "<html><body><p>When: today</p><p>He left.</p></body></html>\n")

names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=40)
types = st.sampled_from(["image/jpeg", "image/png", "application/pdf", "text/plain", "video/mp4",
                         "application/octet-stream"])
sizes = st.one_of(st.integers(0, 200), st.integers(SPLICE_FROM_BYTES - 60, SPLICE_FROM_BYTES + 120),
                  st.integers(20_000, 70_000))


@st.composite
def attachments(draw: st.DrawFn) -> OutAttachment:
    size = draw(sizes)
    # Random bytes, or a repeated pattern, so that lines of the encoding repeat as well.
    content = os.urandom(size) if draw(st.booleans()) else (draw(st.binary(min_size=1, max_size=60)) * size)[:size]
    charset = draw(st.sampled_from([None, "utf-8"]))
    return OutAttachment(draw(names) or "photo.jpg", content, draw(types), charset)


@settings(max_examples=60, deadline=None)
@given(files=st.lists(attachments(), min_size=0, max_size=4), text=st.text(max_size=300))
def test_spliced_message_is_identical_to_compose(files: list[OutAttachment], text: str) -> None:
    # Given a message with any mix of small, borderline and big files, and any text
    rendered = Rendered(RENDERED.subject, text + "\n", RENDERED.html)
    # When it is composed both ways, Then the bytes are the same
    assert compose_with_attachments(rendered, attachments=files, **OPTIONS) == \
        compose(rendered, attachments=files, **OPTIONS)


def test_a_200_kb_photo_with_an_inline_image_and_a_text_file() -> None:
    # Given the team copy of a report: a big photo, a small text file, and an inline image in the HTML
    photo = OutAttachment("cctv.jpg", os.urandom(200_000), "image/jpeg")
    note = OutAttachment("note.txt", b"see the photo\n", "text/plain", "utf-8")
    html = '<html><body><img src="cid:logo@pep" alt="logo"><p>He left.</p></body></html>\n'
    logo = InlineImage("logo@pep", os.urandom(20_000), "Sussex Police", "image/png", "logo.png")
    rendered = Rendered(RENDERED.subject, RENDERED.text, html)
    # When it is composed both ways
    fast = compose_with_attachments(rendered, attachments=[photo, note], inline_images=[logo], **OPTIONS)
    # Then the bytes are the same, and a reader gets the photo back intact
    assert fast == compose(rendered, attachments=[photo, note], inline_images=[logo], **OPTIONS)
    parsed = email.message_from_bytes(fast, policy=policy.default)
    found = {part.get_filename(): part.get_content() for part in parsed.iter_attachments()}
    assert found["cctv.jpg"] == photo.content


def test_a_random_boundary_still_gives_a_readable_message() -> None:
    # Given no fixed boundary (the library picks one)
    photo = OutAttachment("cctv.jpg", os.urandom(100_000), "image/jpeg")
    options = {k: v for k, v in OPTIONS.items() if k != "boundary"}
    # When the message is spliced
    parsed = email.message_from_bytes(compose_with_attachments(RENDERED, attachments=[photo], **options),
                                      policy=policy.default)
    # Then the photo comes back byte for byte and the text is there
    assert [p.get_content() for p in parsed.iter_attachments()] == [photo.content]
    assert "He left." in parsed.get_body(("plain",)).get_content()


def test_text_that_holds_the_stand_in_line_falls_back_to_compose(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a body holding the very line a stand-in encodes to (made certain here by fixing the stand-in)
    fixed = bytes(range(18))
    monkeypatch.setattr("outbound.attachment_splice.os.urandom", lambda n: fixed[:n])
    photo = OutAttachment("cctv.jpg", os.urandom(50_000), "image/jpeg")
    line = base64.b64encode(fixed).decode()
    rendered = Rendered(RENDERED.subject, f"{line}\n", RENDERED.html.replace("He left.", line))
    # When it is composed, Then the result is still compose()'s: the photo was not put in the body's place
    assert compose_with_attachments(rendered, attachments=[photo], **OPTIONS) == \
        compose(rendered, attachments=[photo], **OPTIONS)
