"""Resource limits that keep parsing of hostile inbound mail bounded in time and memory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParseLimits:
    """Upper bounds applied by `inbound.parse.parse_message`; anything beyond is ignored and reported."""

    # Header fields kept from the top-level header block. Real mail carries well under 100
    # (Received chains included); thousands mean header stuffing.
    max_headers: int = 500
    # Bytes in one physical header line. RFC 5322 caps lines at 998; 8 KiB leaves room for
    # sloppy senders while stopping a single multi-megabyte "Subject".
    max_header_line: int = 8 * 1024
    # Bytes in the whole top-level header block (about 500 fields of average length).
    max_header_bytes: int = 256 * 1024
    # Nesting of multipart / message containers. Clients nest 3-4 deep (mixed > related >
    # alternative); forwarded-of-forwarded mail a few more.
    max_depth: int = 10
    # MIME parts looked at, containers included. A message with 20 photos is ~25 parts.
    max_parts: int = 200
    # Decoded bytes of one part (attachment or body). Matches a generous SMTP size limit.
    max_part_bytes: int = 25 * 1024 * 1024
    # Decoded bytes over all parts together; base64 inflates raw size by 4/3, not more.
    max_total_bytes: int = 50 * 1024 * 1024
    # Characters of body text (plain or converted HTML) kept; nobody writes a million-char reply.
    max_text_chars: int = 1_000_000
