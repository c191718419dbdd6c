"""Who is told about a partnership: its current chairs, and the coordinators of its nearest area."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from engine.models import Area, Partnership, Person, Role


def chairs_of(session: Session, partnership_ids: Iterable[int]) -> dict[int, list[tuple[int, str, str]]]:
    """partnership id -> (person id, email, name) of every current chair who can be written to."""
    ids = list(partnership_ids)
    found: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    if ids:
        for pid, person_id, email, name in session.execute(
                select(Role.partnership_id, Person.id, Person.email, Person.name)
                .join(Person, Person.id == Role.person_id)
                .where(Role.role == "chair", Role.ended_at.is_(None), Person.suppressed_at.is_(None),
                       Role.partnership_id.in_(ids))):
            found[pid].append((person_id, email, name))
    return dict(found)


def nearest_coordinators(session: Session, partnership_ids: Iterable[int]) -> dict[int, list[tuple[int, str, str]]]:
    """partnership id -> (person id, email, name) of the coordinators of the nearest area above it
    (its own area first) that has any. One query for all partnerships."""
    ids = list(partnership_ids)
    if not ids:
        return {}
    own, covering = aliased(Area), aliased(Area)
    rows = session.execute(
        select(Partnership.id, covering.path, Person.id, Person.email, Person.name)
        .join(own, own.id == Partnership.area_id)
        .join(covering, own.path.startswith(covering.path))
        .join(Role, (Role.area_id == covering.id) & (Role.role == "coordinator") & Role.ended_at.is_(None))
        .join(Person, (Person.id == Role.person_id) & Person.suppressed_at.is_(None))
        .where(Partnership.id.in_(ids)))
    depth: dict[int, int] = {}
    found: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for pid, path, person_id, email, name in rows:
        level = len(path)
        if level > depth.get(pid, -1):
            depth[pid], found[pid] = level, []
        if level == depth[pid]:
            found[pid].append((person_id, email, name))
    return dict(found)
