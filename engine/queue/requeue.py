"""Give a finished-but-failed unit of work another go: an operator's retry of a delivery or a message."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import Conflict, NotFound
from engine.queue.wakeups import wake_after_commit
from engine.services.audit import record


def requeue(session: Session, env: Env, model: Any, row_id: int, *, what: str, retryable: tuple[str, ...],
            waiting: str, queue: str, actor: str = "cli") -> Any:
    """Put the row back to `waiting` with its attempts reset, wake a worker after commit, and audit it.

    NotFound for an unknown id; Conflict when the row is not in one of the `retryable` states.
    """
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"no {what} {row_id}")
    if row.status not in retryable:
        raise Conflict(f"{what} {row_id} is {row.status}; only {' or '.join(retryable)} ones are retried")
    row.status, row.attempts, row.next_attempt_at, row.claimed_at = waiting, 0, env.clock.now(), None
    wake_after_commit(session, queue, row.id)
    record(session, env, actor, f"{model.__tablename__}.retried", model.__tablename__, row.id)
    return row
