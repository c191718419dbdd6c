"""Re-enqueue work left pending: rows that are due, and rows whose worker died holding them."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine.db import SessionFactory
from engine.models import Delivery, InboundMessage

# (queue name, model, statuses that are waiting, status while claimed); deliveries of a
# broadcast are swept per broadcast (engine/queue/claim_batch.py), not one by one.
SWEPT: tuple[tuple[str, Any, tuple[str, ...], str], ...] = (
    ("inbound", InboundMessage, ("received", "retry"), "processing"),
    ("outbound", Delivery, ("queued",), "sending"),
)
ONLY = {"outbound": Delivery.broadcast_id.is_(None)}


def due_ids(session: Session, model: Any, waiting: tuple[str, ...], working: str, now: datetime,
            stale_after: timedelta, limit: int, only: Any = None) -> list[int]:
    """Rows that are due, and rows whose worker must have died holding them."""
    stale = now - stale_after
    query = (select(model.id)
             .where(or_(and_(model.status.in_(waiting), model.next_attempt_at <= now),
                        and_(model.status == working, model.claimed_at < stale)))
             .order_by(model.id).limit(limit))
    if only is not None:
        query = query.where(only)
    return list(session.scalars(query))


def sweep(factory: SessionFactory, now: datetime, stale_after: timedelta, enqueue: Callable[[str, int], None],
          limit: int = 10_000, recent: Callable[[str, int], bool] = lambda _q, _i: False) -> dict[str, int]:
    """Enqueue every due row (at most `limit` per queue) that this process has not enqueued lately.

    Rows are woken when they are committed; the sweeper finds those whose wake-up went to another
    process's in-memory queue or was lost with Redis, without flooding a busy queue with copies.
    """
    counts = {}
    with factory() as session:
        for queue, model, waiting, working in SWEPT:
            ids = [i for i in due_ids(session, model, waiting, working, now, stale_after, limit, ONLY.get(queue))
                   if not recent(queue, i)]
            for row_id in ids:
                enqueue(queue, row_id)
            counts[queue] = len(ids)
    return counts
