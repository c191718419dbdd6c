"""Wake a worker for a row only after the transaction that wrote it has committed."""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from engine.db import SessionFactory

Waker = Callable[[str, int, int], None]
_KEY = "pep_wakeups"
_MARKS = "pep_wakeup_marks"
_HERE = "pep_wakeups_kept_for"
_KEPT = "pep_wakeups_kept"


def wake_after_commit(session: Session, queue: str, row_id: int, delay_ms: int = 0) -> None:
    """Ask for `row_id` on `queue` to be worked on once this session commits (after `delay_ms`)."""
    session.info.setdefault(_KEY, []).append((queue, row_id, delay_ms))


def keep_here(session: Session, queue: str) -> None:
    """Keep this transaction's immediate wake-ups for `queue` for the caller (`take_kept`) instead of queueing them.

    For a worker that does the follow-up work itself, right after its commit. Rows it never takes are still
    pending, and the sweeper finds them.
    """
    session.info.setdefault(_HERE, set()).add(queue)


def take_kept(session: Session) -> list[int]:
    """The row ids whose wake-ups `keep_here` kept at the last commit (each once)."""
    return session.info.pop(_KEPT, [])


def install_wakeups(factory: SessionFactory, waker: Waker) -> None:
    """After every commit of a session from `factory`, hand its wake-ups to `waker`.

    A savepoint rolled back drops only the wake-ups asked for inside it; a rollback of the whole
    transaction drops them all. A failing waker loses nothing: the row is still pending and the
    sweeper finds it.
    """

    def after_transaction_create(session: Session, transaction: SessionTransaction) -> None:
        if transaction.nested:
            session.info.setdefault(_MARKS, {})[id(transaction)] = len(session.info.get(_KEY, []))

    def after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
        mark = session.info.get(_MARKS, {}).pop(id(previous), None) if previous.nested else None
        if mark is None:
            session.info.pop(_KEY, None)
            session.info.pop(_MARKS, None)
            session.info.pop(_HERE, None)
        else:
            del session.info.setdefault(_KEY, [])[mark:]

    def after_commit(session: Session) -> None:
        if session.in_nested_transaction():  # a savepoint released: the outer transaction may still roll back
            return
        pending = session.info.pop(_KEY, [])
        session.info.pop(_MARKS, None)
        here = session.info.pop(_HERE, set())
        for queue, row_id, delay_ms in pending:
            if queue in here and delay_ms == 0:
                session.info.setdefault(_KEPT, []).append(row_id)
                continue
            try:
                waker(queue, row_id, delay_ms)
            except Exception:  # noqa: BLE001 - the sweeper re-enqueues; intake must not fail here
                pass

    event.listen(factory, "after_transaction_create", after_transaction_create)
    event.listen(factory, "after_soft_rollback", after_soft_rollback)
    event.listen(factory, "after_commit", after_commit)


def pending_wakeups(session: Session) -> list[Any]:
    """A copy of the wake-ups waiting for this session's commit."""
    return list(session.info.get(_KEY, []))


def restore_wakeups(session: Session, pending: list[Any]) -> None:
    """Put back a copy taken with pending_wakeups (kept for callers that manage savepoints themselves)."""
    session.info[_KEY] = list(pending)
