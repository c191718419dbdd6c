"""The Information Sharing Agreement: publish versions, confirm them, say whether one is current."""
from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.dates import add_months
from engine.env import Env
from engine.errors import InvalidInput, NotFound, NotPermitted
from engine.lifecycle import check_transition
from engine.models import IsaConfirmation, IsaVersion, Partnership, Person, ReplyToken, Role
from engine.services.audit import record
from engine.services.outbox import queue_message
from engine.services.tokens import use_token


def publish_version(session: Session, env: Env, text: str, period_months: int, actor: str = "cli") -> IsaVersion:
    """A new ISA version; period 1 to 12 months."""
    if not 1 <= period_months <= 12:
        raise InvalidInput(f"the re-certification period must be 1 to 12 months, not {period_months}")
    body = text.strip()
    if not body:
        raise InvalidInput("the ISA text is empty")
    latest = session.scalar(select(func.max(IsaVersion.version))) or 0
    version = IsaVersion(version=latest + 1, text=body, sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
                         period_months=period_months, published_at=env.clock.now())
    session.add(version)
    session.flush()
    record(session, env, actor, "isa.published", "isa_version", version.id, version=version.version,
           sha256=version.sha256, period_months=period_months)
    return version


def current_version(session: Session) -> IsaVersion:
    version = session.scalar(select(IsaVersion).order_by(IsaVersion.version.desc()).limit(1))
    if version is None:
        raise NotFound("no ISA has been published: run `pep isa publish FILE`")
    return version


def confirm(session: Session, env: Env, token: ReplyToken, person: Person, inbound_message_id: int | None,
            evidence: dict[str, Any]) -> IsaConfirmation:
    """Record the chair's confirmation, activate the partnership, use the token and send the welcome."""
    partnership = session.get(Partnership, token.object_id)
    if partnership is None:
        raise NotFound("the partnership this agreement was for no longer exists")
    version = session.get(IsaVersion, token.data.get("isa_version_id")) or current_version(session)
    now = env.clock.now()
    handover_id = token.data.get("handover_id")
    if not handover_id and not _chairs(session, person, partnership):
        raise NotPermitted(f"you no longer chair {partnership.name}, so your agreement cannot be recorded for it")
    use_token(session, env, token)
    # Months are added on the local calendar, so 11:00 in summer runs out at 11:00 in winter.
    expires_at = add_months(now.astimezone(env.settings.tz), version.period_months).astimezone(now.tzinfo)
    confirmation = IsaConfirmation(partnership_id=partnership.id, person_id=person.id, isa_version_id=version.id,
                                   confirmed_at=now, expires_at=expires_at,
                                   inbound_message_id=inbound_message_id,
                                   evidence=evidence | {"isa_sha256": version.sha256, "isa_version": version.version})
    session.add(confirmation)
    session.flush()
    record(session, env, person.email, "isa.confirmed", "partnership", partnership.id,
           isa_version=version.version, confirmation_id=confirmation.id, inbound_message_id=inbound_message_id,
           expires_at=confirmation.expires_at.isoformat())
    kind = "chair.isa.welcome" if partnership.status == "invited" or handover_id else "chair.isa.confirmed"
    if handover_id:
        from engine.services.handover import complete_handover  # handover builds on this module
        complete_handover(session, env, int(handover_id), person)
    if partnership.status != "active":
        check_transition(partnership.status, "active")
        record(session, env, person.email, "partnership.status", "partnership", partnership.id,
               old=partnership.status, new="active")
        partnership.status = "active"
        partnership.status_changed_at = now
    queue_message(session, env, kind, {
        "person_name": person.name or person.email,
        "partnership_name": partnership.name,
        "isa_version": version.version,
        "confirmed_until": confirmation.expires_at.astimezone(env.settings.tz).date().isoformat(),
    }, person=person)
    return confirmation


def _chairs(session: Session, person: Person, partnership: Partnership) -> bool:
    return session.scalar(select(Role.id).where(Role.person_id == person.id, Role.partnership_id == partnership.id,
                                                Role.role == "chair", Role.ended_at.is_(None)).limit(1)) is not None
