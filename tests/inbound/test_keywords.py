"""Keywords in replies: case-insensitive, any punctuation, negations are not agreement."""
from __future__ import annotations

import pytest

from inbound.keywords import first_line, says, says_i_agree


@pytest.mark.parametrize("text", ["I agree", "i AGREE.", "Yes, I agree", "  I agree!!\n\nSam", "\n\n*I Agree*",
                                  "I agree - thanks", "Hi,\n\nI agree.\n\nThanks", "Dear Sir\nI agree"])
def test_agreement(text: str) -> None:
    assert says_i_agree(text)


@pytest.mark.parametrize("text", ["I do not agree", "I don't agree", "No", "", "What is this?",
                                  "I disagree", "agree", "Hello\nWhat is it?\nI agree"])
def test_not_agreement(text: str) -> None:
    assert not says_i_agree(text)


def test_commands_in_any_case_and_punctuation() -> None:
    assert says("Send it!", "send") and says("CANCEL.", "cancel") and not says("resend", "send")
    assert first_line("\n  \n> \nHello there\nmore") == "more"
    assert first_line("Hello there, how are you today\nmore") == "Hello there, how are you today"
