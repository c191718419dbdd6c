"""The cheap bounce pre-check never hides a bounce the detectors would find."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from inbound.bounce import detect_bounce, detect_with_every_format
from inbound.parse import ParsedMessage, parse_message
from tests.inbound.conftest import FIXTURES

PIECES = ("This message was created automatically by mail delivery software.", "The following address(es) failed:",
          "Hi. This is the qmail-send program", "----- The following addresses had permanent fatal errors -----",
          "Your message to jo@shop.example couldn't be delivered.",
          "Delivery has failed to these recipients or groups:",
          "The following recipient(s) cannot be reached:", "was not delivered to:\n", "because:\n",
          "Your message wasn't delivered to jo@shop.example because", "has been blocked", "5.1.1",
          "There was a problem delivering your message to jo@shop.example.", "your message could not\n be delivered",
          "Sorry, we were unable to deliver your message to the following address", "<jo@shop.example>:\n",
          "jo@shop.example", "I agree.", "\n", " ", "ſ", "K", "İ", "ı", "é", "> quoted", "HAS BEEN BLOCKED",
          "TheRe waS a PROBLEM delivering your message to ")
SUBJECTS = ("Re: Information sharing", "DELIVERY FAILURE: User jo", "Undeliverable: hi", "")


def _case(draw: st.DrawFn, text: str) -> str:
    return "".join(ch.upper() if draw(st.booleans()) else ch for ch in text) if draw(st.booleans()) else text


@st.composite
def messages(draw: st.DrawFn) -> ParsedMessage:
    pieces = draw(st.lists(st.sampled_from(PIECES), max_size=8))
    msg = ParsedMessage(text="".join(_case(draw, piece) for piece in pieces), subject=draw(st.sampled_from(SUBJECTS)))
    if draw(st.integers(0, 9)) == 0:
        msg.header_fields.append(("X-Failed-Recipients", "jo@shop.example"))
    return msg


@settings(max_examples=1000, deadline=None)
@given(messages())
def test_precheck_finds_every_bounce_the_detectors_find(msg: ParsedMessage) -> None:
    # Given text made of trigger phrases (any case, Unicode look-alikes), replies and noise
    # Then detection with the pre-check equals running every detector
    assert detect_bounce(msg) == detect_with_every_format(msg)


def test_precheck_agrees_on_every_fixture() -> None:
    # Given every real fixture (bounces, auto-replies, replies) / Then both ways agree
    for path in sorted(FIXTURES.glob("*/*.eml")):
        msg = parse_message(path.read_bytes())
        assert detect_bounce(msg) == detect_with_every_format(msg), path.name
