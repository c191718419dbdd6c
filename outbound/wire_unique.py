"""The fast path for messages whose content is each recipient's own (the weekly digest): render per
recipient, but compose once.

Everything around the two bodies (the fixed headers, the MIME structure and boundaries, the inline
images and attachments, base64-encoded) is the same for every message of a broadcast, and it is
what costs most in `compose()`: `EmailMessage` builds and folds every header and encodes every part
again for each message. A `UniquePlan` composes the broadcast's message once with token bodies and
keeps those bytes; per recipient the Subject and the envelope headers are folded and the rendered
text and HTML are quoted-printable encoded with the same library functions `compose()` uses, so the
bytes are identical to `compose()`'s (tests/outbound/test_wire_unique.py compares them, and
`outbound.batch` checks each plan's first message against the slow path before trusting it).
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from outbound.compose import InlineImage, OutAttachment, compose
from outbound.header_values import single_line
from outbound.qp_lines import encode_body
from outbound.render import Rendered
from outbound.wire_parts import (HTML_TOKEN, OWN_HEADERS, PLACEHOLDER_ADDRESS, PLACEHOLDER_DATE, PLACEHOLDER_ID,
                                 TEXT_TOKEN, Envelope, HeaderWriter, fold, skeleton, token_html)

_SUBJECT = "pepwire subject"


class UniquePlan:
    """One broadcast's message around two holes for each recipient's own rendered bodies."""

    def __init__(self, pieces: list[bytes | str], cids: tuple[str, ...], shape: Hashable) -> None:
        self._pieces = pieces
        self._cids = cids
        self.shape = shape  # plans of one shape differ only in their files' bytes and their boundary
        self._headers = HeaderWriter()
        self._subject: tuple[str, bytes] | None = None
        self.verified = False  # set once a message came out identical to the slow path's

    @classmethod
    def build(cls, *, compose_args: Mapping[str, Any], attachments: Sequence[OutAttachment] = ()) -> UniquePlan:
        """The plan for messages composed with `compose_args` (inline images included) and `attachments`."""
        images: Sequence[InlineImage] = compose_args.get("inline_images", ())
        cids = tuple(image.cid for image in images)
        html = token_html(cids)
        wire = compose(Rendered(_SUBJECT, TEXT_TOKEN + "\n", html), to_addr=PLACEHOLDER_ADDRESS, to_name=None,
                       message_id=PLACEHOLDER_ID, date=PLACEHOLDER_DATE, return_path=PLACEHOLDER_ADDRESS,
                       reply_to=PLACEHOLDER_ADDRESS, attachments=attachments, **compose_args)
        shape = (tuple(sorted((k, repr(v)) for k, v in compose_args.items() if k not in ("inline_images", "boundary"))),
                 tuple((i.cid, i.content_type, i.alt_text, i.filename) for i in images),
                 tuple((a.filename, a.content_type, a.charset) for a in attachments))
        return cls(skeleton(wire, (*OWN_HEADERS, "subject")), cids, shape)

    def fits(self, rendered: Rendered) -> bool:
        """Whether this recipient's message can be made here: its HTML shows every inline image
        (otherwise `compose()` refuses it, and the slow path must say why)."""
        return all(f"cid:{cid}" in rendered.html for cid in self._cids)

    def message(self, envelope: Envelope, rendered: Rendered) -> bytes:
        """This recipient's message; the caller has checked `fits`."""
        out: list[bytes] = []
        for piece in self._pieces:
            if isinstance(piece, bytes):
                out.append(piece)
            elif piece == TEXT_TOKEN:
                out.append(encode_body(rendered.text))
            elif piece == HTML_TOKEN:
                out.append(encode_body(rendered.html))
            elif piece == "subject":
                out.append(self._subject_header(rendered.subject))
            else:
                out.append(self._headers.header(piece, envelope))
        return b"".join(out)

    def _subject_header(self, subject: str) -> bytes:
        # The readers of one broadcast usually share their subject: fold it once.
        cached = self._subject
        if cached is None or cached[0] != subject:
            cached = self._subject = (subject, fold("Subject", single_line(subject)))
        return cached[1]
