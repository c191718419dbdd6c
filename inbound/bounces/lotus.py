"""Lotus Notes / HCL Domino delivery failure reports ("was not delivered to: … because: …")."""

from __future__ import annotations

import re

from inbound.bounces.model import Bounce, first_address, make_bounce, section
from inbound.parse import ParsedMessage

_TRIGGER = re.compile(r"was not delivered to:\s*\n", re.I)
_BECAUSE = re.compile(r"^\s*because:\s*$", re.I | re.M)


def detect(msg: ParsedMessage) -> Bounce | None:
    text = msg.text
    trigger = _TRIGGER.search(text)
    if not trigger or not msg.subject.upper().startswith(("DELIVERY FAILURE", "DELIVERY_FAILURE", "DELIVERY REPORT")):
        return None
    because = _BECAUSE.search(text, trigger.end())
    target = text[trigger.end() : because.start() if because else trigger.end() + 500]
    diagnostic = section(text, because.end(), max_lines=4) if because else msg.subject
    # Domino reports delays under a separate "DELIVERY DELAY" subject, so a failure is final.
    return make_bounce("lotus", first_address(target), diagnostic, permanent=True)
