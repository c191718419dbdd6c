"""Build the wire bytes of one outgoing message from its rendered parts and envelope facts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart

from outbound.header_values import (
    HeaderValueError,
    checked_address,
    checked_domain,
    checked_dot_atom,
    checked_message_id,
    single_line,
)
from outbound.render import Rendered

_CONTENT_TYPE = re.compile(r"([a-z0-9][a-z0-9!#$&^_.+-]*)/([a-z0-9][a-z0-9!#$&^_.+-]*)")
_CID = re.compile(r"[A-Za-z0-9._-]+(?:@[A-Za-z0-9.-]+)?")


class ComposeError(ValueError):
    """The message cannot be built from the values given; says which value and why."""


@dataclass(frozen=True)
class OutAttachment:
    """A file attached for the recipient to open or save (e.g. the ISA text)."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"
    charset: str | None = None


@dataclass(frozen=True)
class InlineImage:
    """An image shown inside the HTML body, which refers to it as `cid:<cid>`."""

    cid: str
    content: bytes
    alt_text: str
    content_type: str = "image/png"
    filename: str | None = None


def make_message_id(domain: str, unique: str) -> str:
    """A Message-ID built from a stable unique part, so a retried send keeps the same id."""
    try:
        return f"<{checked_dot_atom(unique, 'unique part')}@{checked_domain(domain)}>"
    except HeaderValueError as error:
        raise ComposeError(str(error)) from None


def compose(
    rendered: Rendered,
    *,
    from_addr: str,
    from_name: str,
    to_addr: str,
    to_name: str | None,
    message_id: str,
    date: dt.datetime,
    reply_to: str | None = None,
    return_path: str | None = None,
    auto_submitted: bool = True,
    bulk: bool = False,
    list_id: str | None = None,
    list_unsubscribe: str | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    attachments: Sequence[OutAttachment] = (),
    inline_images: Sequence[InlineImage] = (),
    boundary: str | None = None,
) -> bytes:
    """The message as CRLF bytes: text and HTML alternatives, inline images, attachments.

    ``boundary`` fixes the MIME boundaries (``=_…_=`` form, safe because quoted-printable and
    base64 never produce ``=_``), so the same values always give the same bytes; unset, the
    library picks random ones.
    """
    try:
        message = _headers(
            rendered.subject, from_addr, from_name, to_addr, to_name, message_id, date, reply_to,
            return_path, auto_submitted, bulk, list_id, list_unsubscribe, in_reply_to, references,
        )
    except HeaderValueError as error:
        raise ComposeError(str(error)) from None
    # Quoted-printable keeps the body 7-bit, so no relay re-encodes it and breaks DKIM.
    message.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    _, html_part = message.iter_parts()
    for image in inline_images:
        _add_inline_image(html_part, image, rendered.html)
    for attachment in attachments:
        _add_attachment(message, attachment)
    for part in message.iter_parts():
        _drop_inner_mime_version(part)
    if boundary is not None:
        _fix_boundaries(message, boundary)
    return message.as_bytes(policy=policy.SMTP)


def _headers(
    subject: str, from_addr: str, from_name: str, to_addr: str, to_name: str | None,
    message_id: str, date: dt.datetime, reply_to: str | None, return_path: str | None,
    auto_submitted: bool, bulk: bool, list_id: str | None, list_unsubscribe: str | None,
    in_reply_to: str | None, references: Sequence[str],
) -> EmailMessage:
    # Every value goes through a checker or single_line and then into a structured
    # header object, so no CR/LF or separator character can start a header of its own.
    message = EmailMessage(policy=policy.SMTP)
    if return_path is not None:
        message["Return-Path"] = f"<{checked_address(return_path, 'return_path')}>"
    message["From"] = Address(single_line(from_name), addr_spec=checked_address(from_addr, "from_addr"))
    message["To"] = Address(single_line(to_name or ""), addr_spec=checked_address(to_addr, "to_addr"))
    if reply_to is not None:
        message["Reply-To"] = Address(addr_spec=checked_address(reply_to, "reply_to"))
    message["Subject"] = single_line(subject)
    if not isinstance(date, dt.datetime) or date.utcoffset() is None:
        raise HeaderValueError(f"date must be a timezone-aware datetime, not {date!r}")
    message["Date"] = date
    message["Message-ID"] = checked_message_id(message_id, "message_id")
    if in_reply_to is not None:
        message["In-Reply-To"] = checked_message_id(in_reply_to, "in_reply_to")
    if references:
        message["References"] = " ".join(checked_message_id(r, "references") for r in references)
    if auto_submitted:
        message["Auto-Submitted"] = "auto-generated"
        # Exchange ignores Auto-Submitted; this stops its out-of-office replies (no loops).
        message["X-Auto-Response-Suppress"] = "All"
    if bulk:
        message["Precedence"] = "bulk"
    if list_id is not None:
        message["List-Id"] = f"<{checked_dot_atom(list_id, 'list_id')}>"
    if list_unsubscribe is not None:
        message["List-Unsubscribe"] = f"<{_mailto(list_unsubscribe)}>"
    return message


def _mailto(value: str) -> str:
    target = value.removeprefix("mailto:")
    address, _, query = target.partition("?")
    checked_address(address, "list_unsubscribe")
    if query and not re.fullmatch(r"[A-Za-z0-9=&%._~+-]+", query):
        raise HeaderValueError(f"list_unsubscribe query must be URL-encoded: {value!r}")
    return f"mailto:{target}"


def _content_type(value: str, what: str) -> tuple[str, str]:
    match = _CONTENT_TYPE.fullmatch(value.lower()) if isinstance(value, str) else None
    if match is None:
        raise ComposeError(f"{what} content_type must look like type/subtype, not {value!r}")
    return match[1], match[2]


def safe_filename(name: str) -> str:
    """The name an attached file is offered under."""
    # Only the last path component, on one line: a recipient's mail client
    # must never be nudged into writing outside its download folder.
    base = single_line(re.split(r"[\\/]", name)[-1]).strip(". ")
    return base or "attachment"


def _add_inline_image(html_part: MIMEPart, image: InlineImage, html: str) -> None:
    maintype, subtype = _content_type(image.content_type, f"inline image {image.cid!r}")
    if maintype != "image":
        raise ComposeError(f"inline image {image.cid!r} must have an image/* content_type")
    if not _CID.fullmatch(image.cid):
        raise ComposeError(f"inline image cid may only use letters, digits, . _ - and one @: {image.cid!r}")
    if f"cid:{image.cid}" not in html:
        raise ComposeError(f"inline image {image.cid!r} is not referenced as cid:{image.cid} in the HTML")
    alt_text = single_line(image.alt_text)
    if not alt_text:
        raise ComposeError(f"inline image {image.cid!r} needs alt text for readers who cannot see it")
    filename = safe_filename(image.filename) if image.filename else None
    html_part.add_related(
        image.content, maintype, subtype, cid=f"<{image.cid}>", disposition="inline", filename=filename
    )
    *_, image_part = html_part.iter_parts()
    image_part["Content-Description"] = alt_text


def _drop_inner_mime_version(part: MIMEPart) -> None:
    # The library stamps MIME-Version on every part it creates; it belongs on the top only.
    del part["MIME-Version"]
    for inner in part.iter_parts():
        _drop_inner_mime_version(inner)


def _fix_boundaries(message: EmailMessage, boundary: str) -> None:
    if not re.fullmatch(r"=_[A-Za-z0-9.-]{1,40}_=", boundary):
        raise ComposeError(f"boundary must look like =_LETTERS_=, not {boundary!r}")
    for depth, part in enumerate(p for p in message.walk() if p.is_multipart()):
        part.set_boundary(f"{boundary[:-2]}.{depth}_=")


def _add_attachment(message: EmailMessage, attachment: OutAttachment) -> None:
    maintype, subtype = _content_type(attachment.content_type, f"attachment {attachment.filename!r}")
    if not isinstance(attachment.content, bytes):
        raise ComposeError(f"attachment {attachment.filename!r} content must be bytes")
    if attachment.charset is not None and not re.fullmatch(r"[A-Za-z0-9_.:-]+", attachment.charset):
        raise ComposeError(f"attachment {attachment.filename!r} charset is not a charset name")
    message.add_attachment(
        attachment.content, maintype, subtype, filename=safe_filename(attachment.filename)
    )
    if attachment.charset is not None:
        *_, attachment_part = message.iter_parts()
        attachment_part.set_param("charset", attachment.charset)
