"""What a person may manage: admins everything, coordinators their area subtrees, chairs their partnerships."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput, NotPermitted
from engine.models import Area, Partnership, Person, Role
from engine.services.areas import is_within
from engine.services.partnerships import find_partnership


@dataclass(frozen=True)
class Scope:
    """The sender and what their current roles let them manage."""

    person: Person
    admin: bool
    areas: tuple[Area, ...]
    chaired: tuple[Partnership, ...]


def scope_of(session: Session, person: Person) -> Scope:
    roles = list(session.scalars(select(Role).where(Role.person_id == person.id, Role.ended_at.is_(None))))
    areas = tuple(a for a in (session.get(Area, r.area_id) for r in roles if r.role == "coordinator" and r.area_id)
                  if a is not None)
    chaired = tuple(p for p in (session.get(Partnership, r.partnership_id) for r in roles
                                if r.role == "chair" and r.partnership_id) if p is not None)
    return Scope(person, any(r.role == "admin" for r in roles), areas, chaired)


def manages_area(scope: Scope, area: Area) -> bool:
    return scope.admin or any(is_within(area, mine) for mine in scope.areas)


def chairs(scope: Scope, partnership: Partnership) -> bool:
    return any(p.id == partnership.id for p in scope.chaired)


def manages_partnership(session: Session, scope: Scope, partnership: Partnership) -> bool:
    area = session.get(Area, partnership.area_id)
    return chairs(scope, partnership) or (area is not None and manages_area(scope, area))


def require_area(scope: Scope, area: Area) -> None:
    if not manages_area(scope, area):
        raise NotPermitted(f"{area.name} is outside the areas you manage")


def which_partnership(session: Session, scope: Scope, name: str | None, chair_only: bool = False) -> Partnership:
    """The partnership a line is about: the one named with FOR "…", or the only one the sender chairs."""
    if name is None:
        if len(scope.chaired) == 1:
            return scope.chaired[0]
        if not scope.chaired:
            raise InvalidInput('say which partnership, ending the line with FOR "Partnership name"')
        raise InvalidInput('you chair more than one partnership: end the line with FOR "Partnership name"')
    partnership = find_partnership(session, name)
    allowed = chairs(scope, partnership) if chair_only else manages_partnership(session, scope, partnership)
    if not allowed:
        raise NotPermitted(f"you do not {'chair' if chair_only else 'manage'} {partnership.name}")
    return partnership
