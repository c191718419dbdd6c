"""Partnerships: invite one by its chair's address, list and show them."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import Area, Partnership, PartnershipType, Person
from engine.services.areas import find_area
from engine.services.audit import record
from engine.services.isa import current_version
from engine.services.outbox import queue_message
from engine.services.people import ensure_person, grant_role
from engine.services.ptypes import find_type
from engine.services.tokens import issue_token, reply_address


def find_partnership(session: Session, key: str) -> Partnership:
    """A partnership by id or by name (case-insensitive)."""
    found = None
    if key.strip().isdigit():
        found = session.get(Partnership, int(key))
    if found is None:
        found = session.scalar(select(Partnership).where(func.lower(Partnership.name) == key.strip().lower()))
    if found is None:
        raise NotFound(f"unknown partnership {key!r}")
    return found


def invite(session: Session, env: Env, name: str, type_name: str, area_name: str, chair_email: str,
           disc: bool = False, invited_by: str = "cli", chair_name: str = "") -> Partnership:
    """Create an `invited` partnership and send its chair the ISA with a reply token to confirm."""
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("a partnership needs a name")
    ptype = find_type(session, type_name)
    area = find_area(session, area_name)
    if session.scalar(select(Partnership.id).where(func.lower(Partnership.name) == clean.lower())) is not None:
        raise Conflict(f"partnership {clean!r} exists already")
    current_version(session)  # no ISA published: refuse before anything is written
    now = env.clock.now()
    partnership = Partnership(name=clean, type_id=ptype.id, area_id=area.id, status="invited",
                              disc_enabled=disc, authoring_agreed=False, created_at=now, status_changed_at=now)
    session.add(partnership)
    session.flush()
    chair = ensure_person(session, env, chair_email, chair_name, actor=invited_by)
    grant_role(session, env, chair, "chair", partnership=partnership, actor=invited_by)
    record(session, env, invited_by, "partnership.invited", "partnership", partnership.id, name=clean,
           type=ptype.name, area=area.name, chair=chair.email, disc_enabled=disc)
    send_isa_invitation(session, env, partnership, chair, invited_by)
    return partnership


def send_isa_invitation(session: Session, env: Env, partnership: Partnership, chair: Person,
                        invited_by: str) -> None:
    """The ISA, inline and attached, with a single-use token that confirms it."""
    version = current_version(session)
    valid = timedelta(days=env.settings.invitation_valid_days)
    token = issue_token(session, env, "isa", chair, "partnership", partnership.id, valid,
                        data={"isa_version_id": version.id})
    area_name = find_area_name(session, partnership)
    queue_message(session, env, "chair.isa.invitation", {
        "person_name": chair.name or chair.email,
        "partnership_name": partnership.name,
        "partnership_type": partnership_type_name(session, partnership),
        "area_name": area_name,
        "isa_version": version.version,
        "isa_text": version.text,
        "period_months": version.period_months,
        "invited_by": invited_by,
        "reply_before": (env.clock.now() + valid).astimezone(env.settings.tz).date().isoformat(),
    }, person=chair, reply_token=reply_address(env, token), attachments=[{"isa_version": version.id}])


def find_area_name(session: Session, partnership: Partnership) -> str:
    area = session.get(Area, partnership.area_id)
    return area.name if area else ""


def partnership_type_name(session: Session, partnership: Partnership) -> str:
    ptype = session.get(PartnershipType, partnership.type_id)
    return ptype.name if ptype else ""


def list_partnerships(session: Session) -> list[Partnership]:
    return list(session.scalars(select(Partnership).order_by(Partnership.name)))
