"""A report sent from a phone with a CCTV still is read whole by the boundary splitter."""

from __future__ import annotations

import base64
import io

from PIL import Image

from inbound.mime_split import split_message
from inbound.parse import parse_message
from inbound.parse_policy import message_policy


def _photo() -> bytes:
    """A real JPEG of a few hundred KB: a gradient with noise, as a camera still compresses."""
    image = Image.effect_noise((900, 600), 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def _iphone_report(photo: bytes) -> bytes:
    """The shape Apple Mail on an iPhone sends: mixed > (alternative > text, html) + inline JPEG."""
    encoded = base64.encodebytes(photo).replace(b"\n", b"\r\n")
    return (
        b"Return-Path: <sam@kemptown-stores.example.co.uk>\r\n"
        b"Authentication-Results: mx.pep.example.org.uk; spf=pass smtp.mailfrom=sam@kemptown-stores.example.co.uk\r\n"
        b"From: Sam Patel <sam@kemptown-stores.example.co.uk>\r\n"
        b"Content-Type: multipart/mixed; boundary=Apple-Mail-6B1F2C3D-9A8E-4E1B-8C7D-0F1E2D3C4B5A\r\n"
        b"Mime-Version: 1.0 (1.0)\r\n"
        b"Subject: Shoplifter this afternoon\r\n"
        b"Date: Fri, 27 Nov 2026 15:42:10 +0000\r\n"
        b"Message-Id: <5E6F7A8B-1C2D-4E3F-9A0B-C1D2E3F4A5B6@kemptown-stores.example.co.uk>\r\n"
        b"To: incident@pep.example.org.uk\r\n"
        b"X-Mailer: iPhone Mail (21F90)\r\n"
        b"\r\n"
        b"--Apple-Mail-6B1F2C3D-9A8E-4E1B-8C7D-0F1E2D3C4B5A\r\n"
        b"Content-Type: multipart/alternative; boundary=Apple-Mail-7C2A3D4E-0B9F-4F2C-9D8E-1A2B3C4D5E6F\r\n"
        b"\r\n"
        b"--Apple-Mail-7C2A3D4E-0B9F-4F2C-9D8E-1A2B3C4D5E6F\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n"
        b"\r\n"
        b"When: today 15:20\r\nWhere: Kemptown Stores, St George=E2=80=99s Road\r\n"
        b"Who: man, 30s, grey hoodie\r\n\r\nTook two bottles of whisky and left towards the seafront. "
        b"Still from our CCTV attached.\r\n\r\nSent from my iPhone\r\n"
        b"--Apple-Mail-7C2A3D4E-0B9F-4F2C-9D8E-1A2B3C4D5E6F\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n"
        b"\r\n"
        b"<html><head><meta http-equiv=3D\"content-type\" content=3D\"text/html; charset=3Dutf-8\"></head>"
        b"<body dir=3D\"auto\">When: today 15:20<br>Where: Kemptown Stores</body></html>\r\n"
        b"--Apple-Mail-7C2A3D4E-0B9F-4F2C-9D8E-1A2B3C4D5E6F--\r\n"
        b"\r\n"
        b"--Apple-Mail-6B1F2C3D-9A8E-4E1B-8C7D-0F1E2D3C4B5A\r\n"
        b"Content-Type: image/jpeg; name=IMG_0412.jpeg; x-apple-part-url=9B8A7C6D-5E4F-4A3B-2C1D-0E9F8A7B6C5D\r\n"
        b"Content-Disposition: inline; filename=IMG_0412.jpeg\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b"\r\n" + encoded +
        b"--Apple-Mail-6B1F2C3D-9A8E-4E1B-8C7D-0F1E2D3C4B5A--\r\n"
    )


def test_report_with_photo_is_split_and_read_whole() -> None:
    # Given a report from an iPhone with a CCTV still of a few hundred KB
    photo = _photo()
    raw = _iphone_report(photo)
    assert len(photo) > 150_000
    # When parsed
    msg = parse_message(raw)
    # Then the boundary splitter took it (no fallback), and the text, sender and photo are all there
    assert split_message(raw, message_policy()) is not None
    assert msg.errors == []
    assert msg.from_addr == "sam@kemptown-stores.example.co.uk" and msg.subject == "Shoplifter this afternoon"
    assert msg.text.startswith("When: today 15:20\nWhere: Kemptown Stores, St George\u2019s Road\nWho: man, 30s")
    assert msg.html is not None and "Kemptown Stores" in msg.html
    [attachment] = msg.attachments
    assert (attachment.filename, attachment.content_type, attachment.inline) == ("IMG_0412.jpeg", "image/jpeg", True)
    assert attachment.data == photo
    assert Image.open(io.BytesIO(attachment.data)).size == (900, 600)
    # And the stdlib feed parser alone reads exactly the same
    assert parse_message(raw, fast_split=False) == msg
