"""The DATA payload: CRLF line endings, dot-stuffing and the terminating dot."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from outbound.transport.framing import crlf_lines, data_payload, only_crlf


def _unstuff(payload: bytes) -> bytes:
    """What a receiving server does (RFC 5321 4.5.2), written independently of the code under test."""
    assert payload.endswith(b"\r\n.\r\n") or payload == b".\r\n"
    lines = payload[: -len(b".\r\n")].split(b"\r\n")
    return b"\r\n".join(line[1:] if line.startswith(b".") else line for line in lines)


def test_lines_starting_with_a_dot_get_one_more() -> None:
    # Given a message with dotted lines, including the first / When framed / Then each is stuffed
    assert data_payload(b".a\r\nb\r\n.\r\n..c\r\n") == b"..a\r\nb\r\n..\r\n...c\r\n.\r\n"


def test_a_message_already_crlf_is_not_copied_for_line_endings() -> None:
    # Given CRLF-only data / When its line endings are checked / Then the same object comes back
    data = b"a\r\nb\r\n"
    assert crlf_lines(data) is data


@given(st.lists(st.sampled_from([b"", b".", b"..", b"x", b".x", b"\r", b"\n", b"\r\n", b"a.b"]), max_size=30))
def test_the_receiver_gets_back_the_crlf_form_of_any_message(pieces: list[bytes]) -> None:
    # Given any message built from awkward pieces
    data = b"".join(pieces)

    # When it is framed
    payload = data_payload(data)

    # Then no line before the end is a lone ".", and unstuffing gives the CRLF form back
    body_lines = payload.split(b"\r\n")[:-2]
    assert b"." not in body_lines
    expected = crlf_lines(data)
    if expected and not expected.endswith(b"\r\n"):
        expected += b"\r\n"
    assert _unstuff(payload) == expected
    assert b"\n" not in payload.replace(b"\r\n", b"") and b"\r" not in payload.replace(b"\r\n", b"")


def _three_counts(data: bytes) -> bool:
    """The earlier check, kept as the reference: as many CRs and LFs as CRLF pairs."""
    pairs = data.count(b"\r\n")
    return data.count(b"\n") == pairs and data.count(b"\r") == pairs


@given(st.lists(st.sampled_from([b"", b"a", b"\r", b"\n", b"\r\n", b"\n\r", b"\r\r\n", b"\r\n\n"]), max_size=40))
def test_the_one_pass_crlf_check_agrees_with_counting_each_line_end(pieces: list[bytes]) -> None:
    # Given any mix of line ends / When checked both ways / Then both agree
    data = b"".join(pieces)
    assert only_crlf(data) is _three_counts(data)


def test_a_single_bare_line_end_anywhere_is_found() -> None:
    # Given a long CRLF message with one bare CR or LF at each place in turn / Then each is found
    clean = b"line of text\r\n" * 20
    assert only_crlf(clean)
    for at in range(len(clean) + 1):
        for bare in (b"\r", b"\n"):
            spoiled = clean[:at] + bare + clean[at:]
            assert not only_crlf(spoiled), (at, bare)
