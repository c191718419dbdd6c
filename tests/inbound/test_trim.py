"""The reply trimmer keeps only what the sender wrote, across clients and languages."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from inbound.parse import parse_message
from inbound.trim import new_text
from tests.inbound.conftest import FIXTURES

REPLIES = FIXTURES / "replies"
TEXT_CASES = sorted(p for p in REPLIES.glob("*.txt") if not p.name.endswith(".expected.txt"))
EML_CASES = sorted(REPLIES.glob("*.eml"))


def _expected(path: Path) -> str:
    return path.with_name(path.stem + ".expected.txt").read_text(encoding="utf-8").strip()


def test_corpus_is_large_enough() -> None:
    # Given the fixture corpus / Then it covers at least 20 bodies and a few whole messages
    assert len(TEXT_CASES) >= 20
    assert len(EML_CASES) >= 3


@pytest.mark.parametrize("path", TEXT_CASES, ids=lambda p: p.stem)
def test_body_fixture(path: Path) -> None:
    # Given a reply body as a client sends it
    body = path.read_text(encoding="utf-8")
    # When only the new text is kept
    result = new_text(body)
    # Then it is exactly what the sender typed
    assert result == _expected(path)


@pytest.mark.parametrize("path", EML_CASES, ids=lambda p: p.stem)
def test_whole_message_fixture(path: Path) -> None:
    # Given a whole reply message, parsed
    message = parse_message(path.read_bytes())
    # When its body text is trimmed
    result = new_text(message.text)
    # Then only the new text remains
    assert result == _expected(path)


def test_crlf_line_endings_give_the_same_result() -> None:
    # Given a Gmail reply with CRLF line endings
    body = (REPLIES / "gmail_en.txt").read_text(encoding="utf-8").replace("\n", "\r\n")
    # When trimmed / Then the result matches the LF version
    assert new_text(body) == "Yes, I agree."


def test_plain_text_without_history_is_unchanged() -> None:
    # Given a message with no quote, marker or signature
    body = "Two men seen trying car doors on Elm Road.\nBoth wore dark clothing."
    # When trimmed / Then nothing is lost
    assert new_text(body) == body


def test_a_sentence_mentioning_wrote_is_not_an_attribution() -> None:
    # Given a report whose line starts with "On" and mentions writing, but has no date
    body = "On the wall he wrote:\nKEEP OUT"
    # When trimmed / Then both lines are kept
    assert new_text(body) == body


def test_hostile_long_line_is_handled_quickly() -> None:
    # Given a body with a 200,000-character line that starts like an attribution
    body = "I agree\n" + "On " + "x " * 100_000 + "\nmore"
    # When trimmed
    started = time.monotonic()
    result = new_text(body)
    # Then it finishes fast and keeps the sender's text
    assert time.monotonic() - started < 5
    assert result.startswith("I agree")
