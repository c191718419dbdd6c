"""The area tree: add areas, find them by name, list subtrees."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import Area
from engine.services.audit import record


def find_area(session: Session, name: str) -> Area:
    """The area called `name` (case-insensitive), or NotFound."""
    area = session.scalar(select(Area).where(func.lower(Area.name) == name.strip().lower()))
    if area is None:
        raise NotFound(f"unknown area {name!r}")
    return area


def add_area(session: Session, env: Env, name: str, parent: str | None = None, actor: str = "cli") -> Area:
    """A new area under `parent` (a root when None)."""
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("an area needs a name")
    if parent is not None and parent.strip().lower() == clean.lower():
        raise InvalidInput(f"area {clean!r} cannot be its own parent")
    if session.scalar(select(Area.id).where(func.lower(Area.name) == clean.lower())) is not None:
        raise Conflict(f"area {clean!r} exists already")
    parent_area = find_area(session, parent) if parent else None
    area = Area(name=clean, parent_id=parent_area.id if parent_area else None)
    session.add(area)
    session.flush()
    area.path = f"{parent_area.path if parent_area else '/'}{area.id}/"
    record(session, env, actor, "area.added", "area", area.id, name=clean,
           parent=parent_area.name if parent_area else None)
    return area


def subtree_ids_query(area: Area):  # type: ignore[no-untyped-def]
    """A select of the ids of `area` and everything below it."""
    return select(Area.id).where(Area.path.startswith(area.path))


def list_areas(session: Session) -> list[Area]:
    return list(session.scalars(select(Area).order_by(Area.path)))


def is_within(area: Area, scope: Area) -> bool:
    """True when `area` is `scope` or below it."""
    return area.path.startswith(scope.path)
