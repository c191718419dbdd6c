"""Who is told when a person's address is suppressed: their partnership's chair, or a coordinator."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Area, Partnership, Person, Role

POLICE_ROLES = frozenset({"admin", "coordinator", "officer"})


@dataclass(frozen=True)
class Contact:
    """Someone to tell, and the partnership (if any) that makes them the right person."""

    person: Person
    partnership: Partnership | None


def _current(session: Session, *where: object) -> list[Role]:
    return list(session.scalars(select(Role).where(Role.ended_at.is_(None), *where).order_by(Role.id)))


def _coordinators_over(session: Session, area_id: int | None) -> list[Person]:
    """The coordinators of `area` or of the nearest area above it that has any."""
    area = session.get(Area, area_id) if area_id is not None else None
    while area is not None:
        found = [session.get(Person, r.person_id)
                 for r in _current(session, Role.role == "coordinator", Role.area_id == area.id)]
        if found:
            return [p for p in found if p is not None]
        area = session.get(Area, area.parent_id) if area.parent_id is not None else None
    return []


def _admins(session: Session) -> list[Person]:
    people = [session.get(Person, r.person_id) for r in _current(session, Role.role == "admin")]
    return [p for p in people if p is not None]


def contacts_for(session: Session, person: Person) -> list[Contact]:
    """Chairs of the person's partnerships; for a chair, or for police, the coordinator over their area.

    When nobody fits (no coordinator anywhere above), the force's admins are told.
    """
    found: list[Contact] = []
    for role in _current(session, Role.person_id == person.id):
        if role.partnership_id is not None:
            partnership = session.get(Partnership, role.partnership_id)
            if partnership is None:
                continue
            chairs = [session.get(Person, r.person_id) for r in _current(
                session, Role.role == "chair", Role.partnership_id == partnership.id, Role.person_id != person.id)]
            people = [c for c in chairs if c is not None] or _coordinators_over(session, partnership.area_id)
            found += [Contact(p, partnership) for p in people]
        elif role.role in POLICE_ROLES:
            found += [Contact(p, None) for p in _coordinators_over(session, role.area_id)]
    if not any(c.person.id != person.id for c in found):
        found += [Contact(p, None) for p in _admins(session)]
    unique: dict[int, Contact] = {}
    for contact in found:
        if contact.person.id != person.id:
            unique.setdefault(contact.person.id, contact)
    return list(unique.values())
