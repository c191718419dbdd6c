"""Who may be sent mail right now: rules checked when a message is sent, not only when it is queued."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Person, Role


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
        for person_id in session.scalars(select(Role.person_id).where(Role.person_id.in_(ids),
                                                                      Role.ended_at.is_(None))):
            active[person_id] += 1
    # Only the two columns the checks read: loading whole Person rows cost more than the query itself.
    for person_id, suppressed_at in session.execute(select(Person.id, Person.suppressed_at)
                                                    .where(Person.id.in_(ids))):
        if suppressed(suppressed_at):
            reasons[person_id] = "the address is suppressed after bounces"
        elif bulk and has_left(active[person_id]):
            reasons[person_id] = "the person has left (no current role)"
    return reasons
