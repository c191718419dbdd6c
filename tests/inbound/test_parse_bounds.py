"""The part-count bound finds the same cut as scanning the whole message with its patterns."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbound.limits import ParseLimits
from inbound.parse_bounds import _BOUNDARY_PARAM, _CONTENT_TYPE_LINE, _DELIMITER_LINE, bound_body

PIECES = (b"boundary=", b"BOUNDARY = \"", b"BoUnDaRy\r\n=x", b"--", b"\n--", b"\r\n--a", b"\n--b\r\n", b"a", b"b",
          b"\"", b";", b" ", b"\r\n", b"\n", b"content-type:", b"\nContent-Type :", b"\nCONTENT-TYPE\t:",
          b"\ncontent-typeX:", b"boundaryboundary=a", b"\xc4\xb0", b"\xff")


def _scanned(head: bytes, body: bytes, limits: ParseLimits) -> bytes:
    """The bound as a plain scan with each pattern over every byte."""
    boundaries = {m.group(1) or m.group(2) for m in _BOUNDARY_PARAM.finditer(head + body)}
    cut = None
    count = 0
    if boundaries:
        for match in _DELIMITER_LINE.finditer(body):
            if match.group(1).rstrip() in boundaries:
                count += 1
                if count > limits.max_parts:
                    cut = match.start()
                    break
    for index, match in enumerate(_CONTENT_TYPE_LINE.finditer(body)):
        if index + 1 > limits.max_parts:
            cut = match.start() if cut is None else min(cut, match.start())
            break
    return body if cut is None else body[:cut]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=12).map(b"".join),
       st.lists(st.sampled_from(PIECES), max_size=60).map(b"".join), st.integers(0, 4))
def test_bound_body_cuts_where_a_full_scan_cuts(head: bytes, body: bytes, max_parts: int) -> None:
    # Given headers and a body made of boundary parameters, delimiter lines and Content-Type lines
    limits = ParseLimits(max_parts=max_parts)
    # Then the bound keeps exactly what a full scan with the same patterns keeps
    assert bound_body(head, body, limits, []) == _scanned(head, body, limits)
