"""Chair handover: `CHAIR new@address` invites the new chair with the ISA; the old chair keeps the
role until the new one confirms it, and is then retired and told."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.addresses import normalise_email
from engine.env import Env
from engine.errors import Conflict
from engine.models import ChairHandover, Partnership, Person, Role
from engine.services.audit import record
from engine.services.isa import current_version
from engine.services.outbox import queue_message
from engine.services.people import ensure_person, grant_role
from engine.services.tokens import issue_token, reply_address


def pending_handover(session: Session, env: Env, partnership_id: int) -> ChairHandover | None:
    return session.scalar(select(ChairHandover).where(
        ChairHandover.partnership_id == partnership_id, ChairHandover.completed_at.is_(None),
        ChairHandover.expires_at > env.clock.now()).order_by(ChairHandover.id.desc()).limit(1))


def current_chairs(session: Session, partnership_id: int) -> list[Person]:
    return list(session.scalars(select(Person).join(Role, Role.person_id == Person.id).where(
        Role.partnership_id == partnership_id, Role.role == "chair", Role.ended_at.is_(None)).order_by(Person.id)))


def request_handover(session: Session, env: Env, partnership: Partnership, new_email: str, requested_by: Person,
                     ) -> ChairHandover:
    """Invite `new_email` to chair `partnership`; refused while another handover is pending."""
    address = normalise_email(new_email)
    pending = pending_handover(session, env, partnership.id)
    if pending is not None:
        waiting = session.get(Person, pending.new_person_id)
        raise Conflict(f"a handover of {partnership.name} to {waiting.email if waiting else 'someone'} is already "
                       f"waiting for their agreement (until "
                       f"{pending.expires_at.astimezone(env.settings.tz).date().isoformat()})")
    chairs = current_chairs(session, partnership.id)
    if any(chair.email == address for chair in chairs):
        raise Conflict(f"{address} already chairs {partnership.name}")
    new_chair = ensure_person(session, env, address, actor=requested_by.email)
    now = env.clock.now()
    valid = timedelta(days=env.settings.invitation_valid_days)
    old = requested_by if requested_by in chairs else None
    handover = ChairHandover(partnership_id=partnership.id, old_person_id=old.id if old else None,
                             new_person_id=new_chair.id, requested_by=requested_by.email, requested_at=now,
                             expires_at=now + valid)
    session.add(handover)
    session.flush()
    version = current_version(session)
    token = issue_token(session, env, "isa", new_chair, "partnership", partnership.id, valid,
                        data={"isa_version_id": version.id, "handover_id": handover.id})
    queue_message(session, env, "chair.handover.invitation", {
        "person_name": new_chair.name or new_chair.email, "partnership_name": partnership.name,
        "handed_over_by": requested_by.name or requested_by.email, "isa_version": version.version,
        "isa_text": version.text, "period_months": version.period_months,
        "reply_before": (now + valid).astimezone(env.settings.tz).date().isoformat(),
    }, person=new_chair, reply_token=reply_address(env, token), attachments=[{"isa_version": version.id}])
    record(session, env, requested_by.email, "chair.handover_requested", "partnership", partnership.id,
           new_chair=address, handover_id=handover.id)
    return handover


def complete_handover(session: Session, env: Env, handover_id: int, new_chair: Person) -> list[Person]:
    """The new chair has confirmed the ISA: they chair it now; the old chair (or, when police asked, every
    other chair) is retired and told. Returns those retired."""
    handover = session.get(ChairHandover, handover_id)
    partnership = session.get(Partnership, handover.partnership_id) if handover else None
    if handover is None or partnership is None or handover.completed_at is not None:
        return []
    now = env.clock.now()
    grant_role(session, env, new_chair, "chair", partnership=partnership, actor=new_chair.email)
    leaving = [p for p in current_chairs(session, partnership.id) if p.id != new_chair.id
               and (handover.old_person_id is None or p.id == handover.old_person_id)]
    for person in leaving:
        for role in session.scalars(select(Role).where(Role.person_id == person.id, Role.role == "chair",
                                                       Role.partnership_id == partnership.id,
                                                       Role.ended_at.is_(None))):
            role.ended_at = now
        record(session, env, new_chair.email, "role.ended", "person", person.id, role="chair",
               partnership=partnership.name, reason="handover")
        queue_message(session, env, "chair.handover.retired", {
            "person_name": person.name or person.email, "partnership_name": partnership.name,
            "new_chair": new_chair.name or new_chair.email}, person=person)
    handover.completed_at = now
    record(session, env, new_chair.email, "chair.handover_completed", "partnership", partnership.id,
           handover_id=handover.id, retired=[p.email for p in leaving])
    return leaving
