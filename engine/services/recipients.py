"""Who may be sent mail right now: rules checked when a message is sent, not only when it is queued."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.models import Person, Role

# Built once, the ids a parameter: with one or two people per message, building the IN list cost more than
# running it. Only the two columns the checks read: loading whole Person rows cost more than the query itself.
_SUPPRESSION = select(Person.id, Person.suppressed_at).where(Person.id.in_(bindparam("ids", expanding=True)))
_CURRENT_ROLES = select(Role.person_id).where(Role.person_id.in_(bindparam("ids", expanding=True)),
                                              Role.ended_at.is_(None))


def suppressed(suppressed_at: datetime | None) -> bool:
    """Bounces suppressed the address (a person's `suppressed_at` is set): nothing more goes to it."""
    return suppressed_at is not None


def has_left(active_roles: int) -> bool:
    """A person whose every role has ended has left: bulk mail stops."""
    return active_roles == 0


def refusals(session: Session, person_ids: Iterable[int], bulk: bool) -> dict[int, str]:
    """For each person among `person_ids` who must not get this message, the reason why."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    reasons: dict[int, str] = {}
    active: dict[int, int] = {i: 0 for i in ids}
    if bulk:
        for person_id in session.scalars(_CURRENT_ROLES, {"ids": ids}):
            active[person_id] += 1
    for person_id, suppressed_at in session.execute(_SUPPRESSION, {"ids": ids}):
        if suppressed(suppressed_at):
            reasons[person_id] = "the address is suppressed after bounces"
        elif bulk and has_left(active[person_id]):
            reasons[person_id] = "the person has left (no current role)"
    return reasons
