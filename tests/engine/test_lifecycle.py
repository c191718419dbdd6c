"""The partnership status machine."""
from __future__ import annotations

import pytest

from engine.errors import Conflict
from engine.lifecycle import STATUSES, TRANSITIONS, check_transition, receives_personal_data

ALLOWED = [(a, b) for a in STATUSES for b in STATUSES if b in TRANSITIONS[a]]
REFUSED = [(a, b) for a in STATUSES for b in STATUSES if b not in TRANSITIONS[a]]


@pytest.mark.parametrize("current,new", ALLOWED)
def test_allowed_transitions_pass(current: str, new: str) -> None:
    check_transition(current, new)


@pytest.mark.parametrize("current,new", REFUSED)
def test_other_transitions_are_refused(current: str, new: str) -> None:
    with pytest.raises(Conflict):
        check_transition(current, new)


def test_the_designed_paths_exist() -> None:
    # invited -> active -> lapsed -> active, and suspension and leaving from active
    for current, new in [("invited", "active"), ("active", "lapsed"), ("lapsed", "active"),
                         ("active", "suspended"), ("active", "left")]:
        check_transition(current, new)
    assert ("invited", "lapsed") in REFUSED and ("left", "active") in REFUSED


def test_only_active_partnerships_receive_personal_data() -> None:
    assert [s for s in STATUSES if receives_personal_data(s)] == ["active"]
