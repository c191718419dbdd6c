"""qmail's plain-text bounce ("Hi. This is the qmail-send program")."""

from __future__ import annotations

import re

from inbound.bounces.model import Bounce, make_bounce, paragraph, section
from inbound.parse import ParsedMessage

_TRIGGER = re.compile(r"This is the qmail-send program", re.I)
_RECIPIENT = re.compile(r"^<([^>\s]+@[^>\s]+)>:[ \t]*$", re.M)
_COPY_LINE = re.compile(r"^--- Below this line is", re.M)


def detect(msg: ParsedMessage) -> Bounce | None:
    text = msg.text
    trigger = _TRIGGER.search(text)
    if not trigger:
        return None
    end = _COPY_LINE.search(text)
    body = text[: end.start()] if end else text
    recipient = _RECIPIENT.search(body, trigger.end())
    if recipient is None:
        return make_bounce("qmail", None, section(body, trigger.end()))
    diagnostic = paragraph(body, recipient.end(), max_lines=6)
    permanent = "permanent error" in body.lower() or None
    return make_bounce("qmail", recipient.group(1), diagnostic, permanent=permanent)
