"""Compose a message with large attachments without pushing their bytes through the email library.

`compose()` hands each attachment to `EmailMessage`, which base64-encodes it 57 bytes at a time
in Python and then writes the result out line by line: for a 200 KB photo that is milliseconds,
more than everything else in the message. Here the message is composed by `compose()` itself
with a small random stand-in for each attachment, and each stand-in's one base64 line is then
replaced by the real file's encoding, made in one C call. The library encodes 57 bytes per
76-character line, as `base64.encodebytes` does, and the SMTP policy ends every line with CRLF,
so the bytes are the same as `compose()`'s (tests/outbound/test_attachment_splice.py compares
them on varied inputs). Anything this cannot place exactly goes to `compose()` as it is.
"""
from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from outbound.compose import OutAttachment, compose
from outbound.render import Rendered

# Below this size the library's own encoding costs next to nothing: not worth a second pass.
SPLICE_FROM_BYTES = 8192
_LINE = 76  # base64 characters to a line, as the library writes them


def encoded_file(content: bytes) -> bytes:
    """A file's base64 lines as the library writes them: 57 bytes to a line, CRLF-ended.

    `base64.encodebytes` encodes line by line (a call per 57 bytes); 57 bytes are 76 characters with no padding,
    so encoding the whole file once and cutting it every 76 characters gives the same lines, several times faster.
    """
    encoded = binascii.b2a_base64(content, newline=False)
    if not encoded:
        return b""
    return b"\r\n".join([encoded[at:at + _LINE] for at in range(0, len(encoded), _LINE)]) + b"\r\n"


def compose_with_attachments(rendered: Rendered, *, attachments: Sequence[OutAttachment] = (),
                             **options: Any) -> bytes:
    """What `compose(rendered, attachments=attachments, **options)` returns, made faster for big files."""
    big = [i for i, a in enumerate(attachments) if isinstance(a.content, bytes) and len(a.content) >= SPLICE_FROM_BYTES]
    if not big:
        return compose(rendered, attachments=attachments, **options)
    # A random stand-in per file: no text a sender wrote can match it by design or by chance.
    stand_ins = {i: os.urandom(18) for i in big}
    wire = compose(rendered, attachments=[replace(a, content=stand_ins[i]) if i in stand_ins else a
                                          for i, a in enumerate(attachments)], **options)
    pieces: list[bytes] = []
    rest = wire
    for i in big:
        # The stand-in encodes to one 24-character line, between the part's blank line and its CRLF.
        line = b"\r\n" + base64.b64encode(stand_ins[i]) + b"\r\n"
        before, found, after = rest.partition(line)
        if not found or line in after:
            return compose(rendered, attachments=attachments, **options)
        pieces += [before, b"\r\n", encoded_file(attachments[i].content)]
        rest = after
    pieces.append(rest)
    return b"".join(pieces)
