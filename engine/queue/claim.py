"""Claim a unit-of-work row atomically, so that exactly one worker does it."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, or_, update
from sqlalchemy.orm import Session


@lru_cache(maxsize=64)  # one entry per (table, states, one or many) the code claims: a handful, never per row
def _claiming_returning(model: Any, ready: tuple[str, ...], working: str, many: bool) -> Any:
    """The claiming UPDATE … RETURNING, built once, with the ids and times as parameters.

    A row is claimed if it is ready and due, or claimed so long ago its worker must be dead. Building the
    statement is a good part of a claim's CPU; the SQL it compiles to is the same.
    """
    now = bindparam("claim_now", type_=model.claimed_at.type)
    ids = bindparam("claim_ids", expanding=True) if many else bindparam("claim_id", type_=model.id.type)
    return (update(model)
            .where(model.id.in_(ids) if many else model.id == ids,
                   or_(and_(model.status.in_(ready), model.next_attempt_at <= now),
                       and_(model.status == working,
                            model.claimed_at < bindparam("claim_stale", type_=model.claimed_at.type))))
            .values(status=working, claimed_at=now, attempts=model.attempts + 1)
            .returning(model)
            .execution_options(synchronize_session=False, populate_existing=True))


def claim_row(session: Session, model: Any, row_id: int, now: datetime, ready: tuple[str, ...],
              stale_after: timedelta, working: str) -> Any:
    """Move the row to `working` if it is ready and due, or claimed so long ago its worker must be dead;
    the claimed row itself, loaded by the same statement (None when another worker has it).

    The caller commits; with the session's expire_on_commit off, the row stays usable after that commit.
    """
    return session.scalars(_claiming_returning(model, ready, working, False),
                           {"claim_id": row_id, "claim_now": now, "claim_stale": now - stale_after}).one_or_none()


def backoff(attempts: int, base_seconds: int = 30, cap_seconds: int = 6 * 3600) -> timedelta:
    """Exponential back-off: 30 s, 1 min, 2 min, … capped at six hours."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def claim_rows(session: Session, model: Any, row_ids: list[int], now: datetime, ready: tuple[str, ...],
               stale_after: timedelta, working: str) -> list[Any]:
    """`claim_row` for several rows in one statement: those this caller won, in id order."""
    if not row_ids:
        return []
    won = session.scalars(_claiming_returning(model, ready, working, True),
                          {"claim_ids": list(row_ids), "claim_now": now, "claim_stale": now - stale_after}).all()
    return sorted(won, key=lambda row: row.id)
