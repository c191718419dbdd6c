"""Who gets a digest, with their roles: people with the digest on, not unsubscribed or suppressed."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Area, Person, Role

POLICE_ROLES = ("admin", "coordinator", "officer")


@dataclass
class Reader:
    """One digest reader: their partnerships (as member or chair), chaired ones, and police area paths
    ("" is force-wide)."""

    person_id: int
    email: str
    name: str
    partnerships: list[int] = field(default_factory=list)
    chairs: list[int] = field(default_factory=list)
    police_paths: list[str] = field(default_factory=list)


def readers(session: Session, email: str | None = None, force: bool = False) -> list[Reader]:
    """Everyone who reads a digest (one query); `email` narrows to one address, `force` ignores DIGEST OFF
    and UNSUBSCRIBE (a preview shows what the digest would hold)."""
    query = (select(Person.id, Person.email, Person.name, Role.role, Role.partnership_id, Area.path)
             .join(Role, (Role.person_id == Person.id) & Role.ended_at.is_(None))
             .outerjoin(Area, Area.id == Role.area_id)
             .where(Person.suppressed_at.is_(None)).order_by(Person.id))
    if not force:
        query = query.where(Person.digest_on.is_(True), Person.unsubscribed_at.is_(None))
    if email is not None:
        query = query.where(Person.email == email.lower())
    found: dict[int, Reader] = {}
    for person_id, address, name, role, partnership_id, path in session.execute(query):
        reader = found.get(person_id) or found.setdefault(person_id, Reader(person_id, address, name or ""))
        if role in ("member", "chair") and partnership_id is not None:
            if partnership_id not in reader.partnerships:
                reader.partnerships.append(partnership_id)
            if role == "chair":
                reader.chairs.append(partnership_id)
        elif role in POLICE_ROLES:
            reader.police_paths.append("" if role == "admin" or path is None else path)
    return list(found.values())
