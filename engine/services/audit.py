"""Append an event to the audit log."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import AuditEvent


def record(session: Session, env: Env, actor: str, action: str, object_kind: str,
           object_id: int | None, **details: Any) -> AuditEvent:
    """Add one audit event to the session's transaction (it commits with the change it records)."""
    event = AuditEvent(at=env.clock.now(), actor=actor, action=action, object_kind=object_kind,
                       object_id=object_id, details=details)
    session.add(event)
    return event
