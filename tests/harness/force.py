"""Build a small force directly in the database: areas, partnerships with chairs, members and ISA confirmations."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import IsaConfirmation, Partnership, Person, Role
from engine.services.areas import add_area, find_area
from engine.services.isa import current_version
from engine.services.people import add_person, ensure_person, grant_role
from engine.services.ptypes import find_type


def area(session: Session, env: Env, name: str, parent: str | None = None) -> None:
    try:
        find_area(session, name)
    except Exception:  # noqa: BLE001 - absent: add it
        add_area(session, env, name, parent)


def partnership(session: Session, env: Env, name: str, ptype: str, area_name: str, *, status: str = "active",
                isa_current: bool = True, disc: bool = False, authoring: bool = False,
                members: int = 0) -> Partnership:
    """A partnership with chair `chair@<slug>.example` and members `m<i>@<slug>.example`."""
    now = env.clock.now()
    slug = name.lower().replace(" ", "-")
    row = Partnership(name=name, type_id=find_type(session, ptype).id, area_id=find_area(session, area_name).id,
                      status=status, disc_enabled=disc, authoring_agreed=authoring, created_at=now,
                      status_changed_at=now)
    session.add(row)
    session.flush()
    chair = ensure_person(session, env, f"chair@{slug}.example", f"Chair of {name}")
    grant_role(session, env, chair, "chair", partnership=row)
    for i in range(members):
        member = ensure_person(session, env, f"m{i}@{slug}.example", f"Member {i} of {name}")
        grant_role(session, env, member, "member", partnership=row)
    version = current_version(session)
    confirmed = now - timedelta(days=30)
    session.add(IsaConfirmation(partnership_id=row.id, person_id=chair.id, isa_version_id=version.id,
                                confirmed_at=confirmed,
                                expires_at=now + timedelta(days=300) if isa_current else now - timedelta(days=1)))
    session.flush()
    return row


def officer(session: Session, env: Env, email: str, area_name: str | None, role: str = "officer") -> Person:
    return add_person(session, env, email, f"Officer {email.split('@')[0]}", role,
                      area=find_area(session, area_name) if area_name else None)


def emails_of(session: Session, person_ids: list[int]) -> set[str]:
    return {session.get(Person, pid).email for pid in person_ids}  # type: ignore[union-attr]


__all__ = ["area", "partnership", "officer", "emails_of", "Role"]
