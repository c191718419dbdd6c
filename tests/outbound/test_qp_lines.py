"""The piecewise quoted-printable line encoder gives exactly the email package's bytes."""
from __future__ import annotations

import random
from email import quoprimime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outbound.qp_lines import BodyEncoder, LineWrapper, encode_body, escaped

ALPHABET = "abc XYZ=.\t-é€李\u00a0 "


def library(line: str) -> bytes:
    data = (line.encode("utf-8") + b"\n").decode("latin-1")
    return quoprimime.body_encode(data, 78).replace("\n", "\r\n").encode("ascii")


@pytest.mark.parametrize("seed", range(40))
def test_random_lines_split_anywhere_encode_like_the_library(seed: int) -> None:
    # Given a random line (escapes, spaces, tabs, multi-byte letters; up to 400 characters) cut in two
    rng = random.Random(seed)
    line = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 400)))
    cut = rng.randint(0, len(line) - 1)
    # When the head is prepared once and the rest given per recipient
    ours = LineWrapper(line[:cut]).encode(escaped(line[cut:]))
    # Then the bytes are the library's, soft breaks and trailing-space rules included
    assert ours == library(line)


@pytest.mark.parametrize("length", range(70, 86))
def test_a_trailing_space_near_the_width_is_handled_like_the_library(length: int) -> None:
    # Given lines that end in a space at every position around the 76-column cut
    line = "x" * (length - 1) + " "
    # When encoded in pieces
    ours = LineWrapper("x" * 10).encode(escaped(line[10:]))
    # Then the result matches the library's
    assert ours == library(line)


# Lines up to several soft breaks long, ended by any line break or by characters only str.splitlines breaks at.
body_lines = st.lists(st.tuples(st.text(alphabet=ALPHABET, max_size=200),
                                st.sampled_from(["\n", "\r", "\r\n", "\u2028", "\x0b", "\x85", ""])),
                      max_size=6).map(lambda parts: "".join(line + end for line, end in parts))


@settings(max_examples=300, deadline=None)
@given(st.lists(body_lines, min_size=1, max_size=8), st.integers(1, 2000))
def test_a_body_encoded_from_remembered_lines_is_the_body_encoded_whole(bodies: list[str], budget: int) -> None:
    # Bodies sharing lines or not, with a small memory so that lines are also forgotten and encoded again
    encoder = BodyEncoder(budget)
    for body in bodies + bodies:
        assert encoder.encode(body) == encode_body(body)
