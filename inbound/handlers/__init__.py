"""Which handler deals with which address or reply purpose: a table, not code."""
from __future__ import annotations

from typing import Callable

from inbound.errors import NoHandler
from inbound.handlers.bounce_report import handle_bounce
from inbound.handlers.exclusion_reply import handle_exclusion_reply
from inbound.handlers.isa_reply import handle_isa_reply
from inbound.work import Work

Handler = Callable[[Work], str]

HANDLERS: dict[str, Handler] = {
    "reply:isa": handle_isa_reply,
    "bounces": handle_bounce,
    "reply:exclusion": handle_exclusion_reply,
}


def handler_for(key: str) -> Handler:
    try:
        return HANDLERS[key]
    except KeyError:
        raise NoHandler(f"nothing handles {key} yet") from None


def accepted_kinds() -> frozenset[str]:
    """The address kinds intake accepts at RCPT: those something handles."""
    return frozenset(key.split(":", 1)[0] for key in HANDLERS)
