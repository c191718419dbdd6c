"""Compile publication routes to SQL: who would receive it, as one select, never a loop over people."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import ColumnElement, Select, and_, func, literal, null, or_, select, true, union_all

from engine.models import Area, Partnership, PartnershipType, Role
from rules.model import Route

ROLE_OF_RECEIVER = {"chairs": "chair", "members": "member"}


@dataclass(frozen=True)
class Target:
    """What the author's header block asked for: partnership types and areas (None = all)."""

    types: tuple[str, ...] | None = None
    areas: tuple[str, ...] | None = None


def _in_areas(names: Sequence[str]) -> ColumnElement[bool]:
    """The partnership's area is one of `names` or below one of them (area paths are prefixes)."""
    scopes = select(Area.path).where(func.lower(Area.name).in_([n.lower() for n in names])).subquery()
    below = select(Area.id).join(scopes, Area.path.startswith(scopes.c.path))
    return Partnership.area_id.in_(below)


def _of_types(names: Sequence[str]) -> ColumnElement[bool]:
    return Partnership.type_id.in_(select(PartnershipType.id).where(
        func.lower(PartnershipType.name).in_([n.lower() for n in names])))


FILTERS: dict[str, Any] = {
    "type": _of_types,
    "area": _in_areas,
    "status": lambda values: Partnership.status.in_(values),
    "disc_enabled": lambda value: Partnership.disc_enabled.is_(value),
    "authoring_agreed": lambda value: Partnership.authoring_agreed.is_(value),
}


def partnership_filter(route: Route, target: Target) -> ColumnElement[bool]:
    """The route's partnership matchers and the author's target, as one SQL condition."""
    parts = [FILTERS[key](value) for key, value in route.partnerships.items()]
    if target.types is not None:
        parts.append(_of_types(target.types))
    if target.areas is not None:
        parts.append(_in_areas(target.areas))
    return and_(true(), *parts)


def audience_pairs(routes: Sequence[Route], target: Target, author_id: int | None) -> Select[Any]:
    """(person_id, partnership_id, onward) for every receiver the routes name; a person may appear
    once per partnership and route. `onward` marks chairs asked to share it with their members."""
    selects = []
    for route in routes:
        roles = [ROLE_OF_RECEIVER[r] for r in route.receivers if r in ROLE_OF_RECEIVER]
        if roles:
            selects.append(
                select(Role.person_id.label("person_id"), Role.partnership_id.label("partnership_id"),
                       literal(route.onward and "chairs" in route.receivers).label("onward"))
                .join(Partnership, Partnership.id == Role.partnership_id)
                .where(Role.role.in_(roles), Role.ended_at.is_(None), partnership_filter(route, target)))
        if "author" in route.receivers and author_id is not None:
            selects.append(select(literal(author_id).label("person_id"), null().label("partnership_id"),
                                  literal(False).label("onward")))
    if not selects:
        return select(literal(0).label("person_id"), null().label("partnership_id"),
                      literal(False).label("onward")).where(literal(False))
    return selects[0] if len(selects) == 1 else union_all(*selects)  # type: ignore[return-value]


def matched_partnerships(routes: Sequence[Route], target: Target) -> Select[Any]:
    """Ids of partnerships any route reaches (before the gate)."""
    return select(Partnership.id).where(or_(*[partnership_filter(r, target) for r in routes]))
