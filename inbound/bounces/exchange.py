"""Microsoft Exchange, Office 365 and Outlook.com non-delivery reports in their text form."""

from __future__ import annotations

import re

from inbound.bounces.model import Bounce, first_address, is_permanent_wording, make_bounce, paragraph
from inbound.parse import ParsedMessage

# Office 365 / Outlook.com, Exchange 2007-2019, Exchange 2003 in that order.
_TRIGGER = re.compile(
    r"Your message to (\S+@\S+?) couldn't be delivered"
    r"|Delivery has failed to these recipients or groups:"
    r"|The following recipient\(s\) cannot be reached:",
    re.I,
)
_REMOTE = re.compile(r"Remote Server returned '(.*)'[ \t]*$|^[ \t]*(#[ \t]*\d{3}[^\n]*)", re.I | re.M)


def detect(msg: ParsedMessage) -> Bounce | None:
    text = msg.text
    trigger = _TRIGGER.search(text)
    if not trigger:
        return None
    address = trigger.group(1) or first_address(text[trigger.end() : trigger.end() + 2000])
    remote = _REMOTE.search(text, trigger.start())
    if remote:
        diagnostic = next(group for group in remote.groups() if group)
        diagnostic = diagnostic.strip("# ")
    else:
        diagnostic = paragraph(text, trigger.end(), max_lines=6)
    return make_bounce("exchange", address, diagnostic, permanent=is_permanent_wording(text) or None)
