"""The fast path for a message of its own (one recipient, its own content): composed once per shape, then filled.

A report's acknowledgement and its team copy are each sent once, so nothing of one message can be
reused for another, but their shape can: the same headers from the same sender, the same MIME
structure, an attachment of the same type. A `SinglePlan` composes a message of that shape once
with `compose()` (placeholder headers, token bodies, a small stand-in per file), keeps the bytes,
and per message writes only what is its own: the Subject and envelope headers folded, the bodies
quoted-printable encoded, each file base64-encoded and its name, with the library functions
`compose()` uses, and fresh MIME boundaries drawn as the library's generator draws them (same
random calls, same order). So the bytes are `compose()`'s: tests/outbound/test_wire_single.py
compares them with the random generator seeded alike, and `outbound.single_plans` checks each
plan's first message against `compose()` before trusting it.
"""
from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from email.generator import Generator
from email.message import MIMEPart
from typing import Any

from outbound.attachment_splice import encoded_file
from outbound.compose import InlineImage, OutAttachment, compose, safe_filename
from outbound.header_values import checked_message_id
from outbound.qp_lines import BodyEncoder
from outbound.render import Rendered
from outbound.wire_parts import (HTML_TOKEN, OWN_HEADERS, PLACEHOLDER_ADDRESS, PLACEHOLDER_DATE, PLACEHOLDER_ID,
                                 POLICY, TEXT_TOKEN, Envelope, HeaderWriter, fold, skeleton, token_html)

# What the generator draws: 15 '=', a zero-padded random number, '=='.
_BOUNDARY = re.compile(rb"(={15}\d{19}==)")
_SUBJECT = "pepwire subject"
_NAMES = 256  # Content-Disposition lines kept per plan


def disposition_header(filename: str) -> bytes:
    """The Content-Disposition line `compose()` writes for an attachment named `filename`, made the same way."""
    part = MIMEPart(policy=POLICY)
    part["Content-Disposition"] = "attachment"
    part.set_param("filename", safe_filename(filename), header="Content-Disposition", replace=True)
    name, value = next(iter(part.raw_items()))
    return POLICY.fold_binary(name, value)


class SinglePlan:
    """Messages of one shape around holes for each message's own headers, bodies, files and boundaries."""

    def __init__(self, pieces: list[Any], boundaries: int, cids: tuple[str, ...]) -> None:
        self._pieces = pieces
        self._boundaries = boundaries
        self._cids = cids
        self._headers = HeaderWriter()
        self._bodies = BodyEncoder()  # the layout's lines, the same in every message of the shape, encoded once
        # Files are often named alike ("image.jpg", a camera's pattern), and the library takes a while to write
        # the line for a name: the lines of recent names, bounded.
        self._names: dict[str, bytes] = {}
        self.verified = False  # set once a message came out identical to compose()'s
        self.mismatches = 0

    @classmethod
    def build(cls, *, options: Mapping[str, Any], attachments: Sequence[OutAttachment],
              inline_images: Sequence[InlineImage], in_reply_to: bool) -> SinglePlan:
        """The plan for messages with these `compose()` options and files of these types (their bytes and the
        attachments' names are each message's own); raises ValueError when the shape cannot be cut apart."""
        stand_ins = [os.urandom(18) for _ in (*attachments, *inline_images)]
        files = [replace(a, content=s, filename=f"pepwirefile{i}.bin")
                 for i, (a, s) in enumerate(zip(attachments, stand_ins))]
        images = [replace(m, content=s) for m, s in zip(inline_images, stand_ins[len(files):])]
        cids = tuple(image.cid for image in images)
        html = token_html(cids)
        wire = compose(Rendered(_SUBJECT, TEXT_TOKEN + "\n", html), to_addr=PLACEHOLDER_ADDRESS, to_name=None,
                       message_id=PLACEHOLDER_ID, date=PLACEHOLDER_DATE, return_path=PLACEHOLDER_ADDRESS,
                       reply_to=PLACEHOLDER_ADDRESS, in_reply_to=PLACEHOLDER_ID if in_reply_to else None,
                       attachments=files, inline_images=images, **options)
        cuts: list[tuple[bytes, Any]] = [(base64.b64encode(s) + b"\r\n", ("file", i)) for i, s in enumerate(stand_ins)]
        cuts += [(disposition_header(f.filename), ("name", i)) for i, f in enumerate(files)]
        pieces = skeleton(wire, (*OWN_HEADERS, "subject", "in-reply-to"))
        for literal, hole in cuts:
            pieces = _cut(pieces, literal, hole)
        found: list[bytes] = []  # in order of first appearance: the outermost part's first
        for piece in pieces:
            for boundary in _BOUNDARY.findall(piece) if isinstance(piece, bytes) else ():
                if boundary not in found:
                    found.append(boundary)
        pieces = [hole for piece in pieces for hole in _boundary_holes(piece, found)]
        return cls(pieces, len(found), cids)

    def fits(self, rendered: Rendered) -> bool:
        """Whether the message can be made here: its HTML shows every inline image (else compose() says why)."""
        return all(f"cid:{cid}" in rendered.html for cid in self._cids)

    def message(self, rendered: Rendered, envelope: Envelope, in_reply_to: str | None,
                attachments: Sequence[OutAttachment], inline_images: Sequence[InlineImage]) -> bytes | None:
        """The message, or None when the boundaries drawn for it collide (compose() would then lengthen one)."""
        # The generator draws the innermost part's boundary first; holes count from the outermost.
        drawn = [Generator._make_boundary().encode("ascii") for _ in range(self._boundaries)][::-1]
        if len(set(drawn)) != len(drawn):
            return None
        contents = [f.content for f in (*attachments, *inline_images)]
        out: list[bytes] = []
        for piece in self._pieces:
            if isinstance(piece, bytes):
                out.append(piece)
            elif piece == TEXT_TOKEN:
                out.append(self._bodies.encode(rendered.text))
            elif piece == HTML_TOKEN:
                out.append(self._bodies.encode(rendered.html))
            elif piece == "subject":
                out.append(self._headers.subject(rendered.subject))
            elif piece == "in-reply-to":
                out.append(b"" if in_reply_to is None else
                           fold("In-Reply-To", checked_message_id(in_reply_to, "in_reply_to")))
            elif isinstance(piece, str):
                out.append(self._headers.header(piece, envelope))
            elif piece[0] == "file":
                out.append(encoded_file(contents[piece[1]]))
            elif piece[0] == "name":
                out.append(self._disposition(attachments[piece[1]].filename))
            else:
                out.append(drawn[piece[1]])
        return b"".join(out)

    def _disposition(self, filename: str) -> bytes:
        line = self._names.get(filename)
        if line is None:
            line = disposition_header(filename)
            if len(self._names) >= _NAMES:
                self._names.clear()
            self._names[filename] = line
        return line


def _cut(pieces: list[Any], literal: bytes, hole: Any) -> list[Any]:
    """`pieces` with the one occurrence of `literal` made a hole; ValueError unless it occurs exactly once."""
    hits = [i for i, p in enumerate(pieces) if isinstance(p, bytes) and literal in p]
    if len(hits) != 1 or pieces[hits[0]].count(literal) != 1:
        raise ValueError("a stand-in is not where the plan expects it")
    before, _, after = pieces[hits[0]].partition(literal)
    return [*pieces[:hits[0]], before, hole, after, *pieces[hits[0] + 1:]]


def _boundary_holes(piece: Any, found: list[bytes]) -> list[Any]:
    if not isinstance(piece, bytes):
        return [piece]
    return [("boundary", found.index(p)) if i % 2 else p for i, p in enumerate(_BOUNDARY.split(piece))]
