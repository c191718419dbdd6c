"""Exim's plain-text bounce ("This message was created automatically by mail delivery software")."""

from __future__ import annotations

import re

from inbound.bounces.model import Bounce, first_address, make_bounce, paragraph
from inbound.parse import ParsedMessage

_TRIGGER = re.compile(r"created automatically by mail delivery software", re.I)
_FAILED = re.compile(r"following address(?:\(es\)|es)? failed:", re.I)
_DELAYED = re.compile(r"has not yet been delivered|delivery attempts will continue|message .{0,80} delayed", re.I)


def detect(msg: ParsedMessage) -> Bounce | None:
    if not _TRIGGER.search(msg.text) and msg.header("X-Failed-Recipients") is None:
        return None
    text = msg.text
    failed = _FAILED.search(text)
    start = failed.end() if failed else 0
    address = first_address(msg.header("X-Failed-Recipients") or "") or first_address(text[start:])
    diagnostic = paragraph(text, start)
    if _DELAYED.search(text):
        return make_bounce("exim", address, diagnostic, permanent=False)
    return make_bounce("exim", address, diagnostic, permanent="permanent error" in text.lower() or None)
