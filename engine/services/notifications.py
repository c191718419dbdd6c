"""Claim a notification key once: the idempotency of everything PEP sends on its own initiative."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import NotificationLog


def claim_once(session: Session, env: Env, key: str) -> bool:
    """True the first time `key` is claimed (in this transaction); False if it was claimed before."""
    try:
        with session.begin_nested():
            session.add(NotificationLog(key=key[:300], created_at=env.clock.now()))
    except IntegrityError:
        return False
    return True
