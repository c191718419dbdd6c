"""People and their roles."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.addresses import normalise_email
from engine.env import Env
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import Area, Partnership, Person, Role
from engine.services.audit import record

ROLES = ("admin", "coordinator", "officer", "chair", "member", "board")
AREA_ROLES = frozenset({"coordinator", "officer"})
PARTNERSHIP_ROLES = frozenset({"chair", "member", "board"})


# Built once (immutable, shared): every inbound message asks it for its sender, and a report for each team
# mailbox it is sent to; building the statement cost more than running it.
_PERSON_BY_EMAIL = select(Person).where(Person.email == bindparam("email"))


def find_person(session: Session, email: str) -> Person | None:
    return person_with_address(session, normalise_email(email))


def person_with_address(session: Session, address: str) -> Person | None:
    """The person whose stored address is exactly `address` (already normalised), or None."""
    return session.scalar(_PERSON_BY_EMAIL, {"email": address})


def get_person(session: Session, email: str) -> Person:
    person = find_person(session, email)
    if person is None:
        raise NotFound(f"nobody is registered as {email}")
    return person


def ensure_person(session: Session, env: Env, email: str, name: str = "", actor: str = "cli") -> Person:
    """The person with this address, created when new."""
    person = find_person(session, email)
    if person is None:
        person = Person(email=normalise_email(email), name=" ".join(name.split()), created_at=env.clock.now())
        session.add(person)
        session.flush()
        record(session, env, actor, "person.added", "person", person.id, email=person.email)
    elif name and not person.name:
        person.name = " ".join(name.split())
    return person


def check_role_scope(role: str, area: Area | None, partnership: Partnership | None) -> None:
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if role in AREA_ROLES and area is None:
        raise InvalidInput(f"a {role} needs an area")
    if role in PARTNERSHIP_ROLES and partnership is None:
        raise InvalidInput(f"a {role} needs a partnership")
    if role == "admin" and (area is not None or partnership is not None):
        raise InvalidInput("an admin is force-wide: give no area or partnership")


def grant_role(session: Session, env: Env, person: Person, role: str, area: Area | None = None,
               partnership: Partnership | None = None, actor: str = "cli") -> Role:
    """Give `person` a role (idempotent: an identical current role is returned as it is)."""
    check_role_scope(role, area, partnership)
    existing = session.scalar(select(Role).where(
        Role.person_id == person.id, Role.role == role, Role.ended_at.is_(None),
        Role.area_id.is_(None) if area is None else Role.area_id == area.id,
        Role.partnership_id.is_(None) if partnership is None else Role.partnership_id == partnership.id))
    if existing is not None:
        return existing
    granted = Role(person_id=person.id, role=role, area_id=area.id if area else None,
                   partnership_id=partnership.id if partnership else None, started_at=env.clock.now())
    session.add(granted)
    session.flush()
    record(session, env, actor, "role.granted", "person", person.id, role=role,
           area=area.name if area else None, partnership=partnership.name if partnership else None)
    return granted


def add_person(session: Session, env: Env, email: str, name: str, role: str, area: Area | None = None,
               partnership: Partnership | None = None, actor: str = "cli") -> Person:
    """Register a new person with one role; a duplicate address is refused."""
    check_role_scope(role, area, partnership)
    if find_person(session, email) is not None:
        raise Conflict(f"{normalise_email(email)} is registered already")
    person = ensure_person(session, env, email, name, actor)
    grant_role(session, env, person, role, area, partnership, actor)
    return person


def current_roles(session: Session, person_id: int) -> list[Role]:
    return list(session.scalars(select(Role).where(Role.person_id == person_id, Role.ended_at.is_(None))))


def list_people(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).order_by(Person.email)))
