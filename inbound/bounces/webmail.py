"""Bounces written for people by webmail providers: Gmail and Yahoo, when no DSN part is attached."""

from __future__ import annotations

import re

from inbound.bounces.model import Bounce, is_permanent_wording, make_bounce, paragraph, section
from inbound.parse import ParsedMessage

_GMAIL = re.compile(
    r"Your message wasn't delivered to (\S+@[^\s]+?) because"
    r"|Your message to (\S+@[^\s]+?) has been blocked"
    r"|There was a problem delivering your message to (\S+@[^\s]+?)\.",
    re.I,
)
_GMAIL_RESPONSE = re.compile(r"The response (?:from the remote server )?was:\s*", re.I)
_YAHOO = re.compile(
    r"Sorry, we were unable to deliver your message to the following address"
    r"|your message could not\s+be delivered to one or more recipients",
    re.I,
)
_YAHOO_RECIPIENT = re.compile(r"^<([^>\s]+@[^>\s]+)>:[ \t]*(.*)$", re.M)


def detect_gmail(msg: ParsedMessage) -> Bounce | None:
    match = _GMAIL.search(msg.text)
    if not match:
        return None
    address = next(group for group in match.groups() if group)
    response = _GMAIL_RESPONSE.search(msg.text, match.end())
    diagnostic = section(msg.text, response.end(), max_lines=3) if response else section(msg.text, match.start(), 2)
    if "blocked" in match.group(0).lower():
        diagnostic = f"message blocked: {diagnostic}"
    return make_bounce("gmail", address, diagnostic, permanent=is_permanent_wording(msg.text) or None)


def detect_yahoo(msg: ParsedMessage) -> Bounce | None:
    match = _YAHOO.search(msg.text)
    if not match:
        return None
    recipient = _YAHOO_RECIPIENT.search(msg.text, match.end())
    if recipient is None:
        return make_bounce("yahoo", None, section(msg.text, match.end(), 3))
    diagnostic = " ".join(filter(None, [recipient.group(2), paragraph(msg.text, recipient.end(), 3)]))
    return make_bounce("yahoo", recipient.group(1), diagnostic)
