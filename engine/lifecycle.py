"""The partnership status machine: which status may follow which."""
from __future__ import annotations

from datetime import datetime

from engine.errors import Conflict

STATUSES = ("invited", "active", "lapsed", "suspended", "left")

TRANSITIONS: dict[str, frozenset[str]] = {
    "invited": frozenset({"active", "left"}),
    "active": frozenset({"lapsed", "suspended", "left"}),
    "lapsed": frozenset({"active", "suspended", "left"}),
    "suspended": frozenset({"active", "left"}),
    "left": frozenset({"invited"}),
}


def check_transition(current: str, new: str) -> None:
    """Raise Conflict unless a partnership may go from `current` to `new`."""
    if new not in TRANSITIONS.get(current, frozenset()):
        raise Conflict(f"a partnership that is {current} cannot become {new}")


def receives_personal_data(status: str, isa_deadline: datetime | None = None, now: datetime | None = None) -> bool:
    """Only an active partnership (ISA current) may receive personal data.

    Given its ISA deadline (engine.services.isa_standing) and the time, a partnership whose deadline
    has passed is refused from that very moment, before the scheduler has marked it lapsed."""
    if status != "active":
        return False
    return isa_deadline is None or now is None or now < isa_deadline
