"""The piecewise quoted-printable line encoder gives exactly the email package's bytes."""
from __future__ import annotations

import random
from email import quoprimime

import pytest

from outbound.qp_lines import LineWrapper, escaped

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
