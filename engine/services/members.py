"""Members of a disc_enabled partnership: added with a welcome, removed so that nothing more reaches them."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.addresses import normalise_email
from engine.env import Env
from engine.errors import Conflict, NotFound, NotPermitted
from engine.models import Delivery, Partnership, Person, Role
from engine.services.audit import record
from engine.services.outbox import queue_message
from engine.services.people import ensure_person, find_person, grant_role


def _member_role(session: Session, person: Person, partnership: Partnership) -> Role | None:
    return session.scalar(select(Role).where(Role.person_id == person.id, Role.partnership_id == partnership.id,
                                             Role.role == "member", Role.ended_at.is_(None)))


def add_member(session: Session, env: Env, partnership: Partnership, email: str, name: str, actor: str) -> Person:
    """Register `email` as a member and send them a welcome; only where members are registered (disc_enabled)."""
    if not partnership.disc_enabled:
        raise NotPermitted(f"{partnership.name} does not register its members with PEP")
    address = normalise_email(email)
    existing = find_person(session, address)
    if existing is not None and _member_role(session, existing, partnership) is not None:
        raise Conflict(f"{address} is already a member of {partnership.name}")
    person = ensure_person(session, env, address, name, actor=actor)
    grant_role(session, env, person, "member", partnership=partnership, actor=actor)
    queue_message(session, env, "member.welcome", {
        "person_name": person.name or person.email, "partnership_name": partnership.name, "added_by": actor,
    }, person=person)
    return person


def remove_member(session: Session, env: Env, partnership: Partnership, email: str, actor: str) -> Person:
    """End the membership at once; messages queued for them and not yet sent are withdrawn unless
    they still hold another role."""
    address = normalise_email(email)
    person = find_person(session, address)
    role = _member_role(session, person, partnership) if person is not None else None
    if person is None or role is None:
        raise NotFound(f"{address} is not a member of {partnership.name}")
    now = env.clock.now()
    role.ended_at = now
    record(session, env, actor, "role.ended", "person", person.id, role="member", partnership=partnership.name,
           reason="removed")
    still = session.scalar(select(Role.id).where(Role.person_id == person.id, Role.ended_at.is_(None)).limit(1))
    if still is None:
        withdrawn = session.execute(update(Delivery).where(Delivery.person_id == person.id,
                                                           Delivery.status == "queued")
                                    .values(status="failed", last_error="recipient removed from PEP")
                                    .execution_options(synchronize_session=False))
        if withdrawn.rowcount:  # type: ignore[attr-defined]
            record(session, env, actor, "delivery.withdrawn", "person", person.id,
                   count=withdrawn.rowcount)  # type: ignore[attr-defined]
    return person
