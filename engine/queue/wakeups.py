"""Wake a worker for a row only after the transaction that wrote it has committed."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from engine.db import SessionFactory

Waker = Callable[[str, int, int], None]
_KEY = "pep_wakeups"


def wake_after_commit(session: Session, queue: str, row_id: int, delay_ms: int = 0) -> None:
    """Ask for `row_id` on `queue` to be worked on once this session commits (after `delay_ms`)."""
    session.info.setdefault(_KEY, []).append((queue, row_id, delay_ms))


def install_wakeups(factory: SessionFactory, waker: Waker) -> None:
    """After every commit of a session from `factory`, hand its wake-ups to `waker`.

    A failing waker loses nothing: the row is still pending and the sweeper finds it.
    """

    def after_commit(session: Session) -> None:
        pending = session.info.pop(_KEY, [])
        for queue, row_id, delay_ms in pending:
            try:
                waker(queue, row_id, delay_ms)
            except Exception:  # noqa: BLE001 - the sweeper re-enqueues; intake must not fail here
                pass

    def after_rollback(session: Session) -> None:
        session.info.pop(_KEY, None)

    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_soft_rollback", lambda s, _t: after_rollback(s))


def pending_wakeups(session: Session) -> list[tuple[str, int]]:
    """A copy of the wake-ups waiting for this session's commit."""
    return list(session.info.get(_KEY, []))


def restore_wakeups(session: Session, pending: list[tuple[str, int]]) -> None:
    """Put back wake-ups a savepoint rollback dropped (rollback hooks clear them all)."""
    session.info[_KEY] = list(pending)
