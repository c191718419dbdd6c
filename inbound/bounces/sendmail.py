"""Sendmail's text bounce ("----- The following addresses had permanent fatal errors -----")."""

from __future__ import annotations

import re

from inbound.bounces.model import Bounce, first_address, make_bounce
from inbound.parse import ParsedMessage

_TRIGGER = re.compile(r"-+\s*The following addresses had (permanent fatal|transient non-fatal) errors\s*-+", re.I)
_REASON = re.compile(r"\(reason:\s*([^)]*)\)", re.I)
_TRANSCRIPT = re.compile(r"-+\s*Transcript of \w+ follows\s*-+", re.I)


def detect(msg: ParsedMessage) -> Bounce | None:
    text = msg.text
    trigger = _TRIGGER.search(text)
    if not trigger:
        return None
    following = text[trigger.end() : trigger.end() + 4000]
    address = first_address(following)
    reason = _REASON.search(following)
    diagnostic = reason.group(1) if reason else ""
    transcript = _TRANSCRIPT.search(text)
    if not diagnostic and transcript:
        diagnostic = text[transcript.end() : transcript.end() + 600]
    permanent = trigger.group(1).lower().startswith("permanent")
    return make_bounce("sendmail", address, diagnostic, permanent=permanent)
