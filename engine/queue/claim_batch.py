"""Claim up to N deliveries of one broadcast in one statement, so that workers never share a row."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from engine.models import Delivery


def claim_batch(session: Session, broadcast_id: int, now: datetime, stale_after: timedelta, limit: int) -> list[int]:
    """Move up to `limit` due (or abandoned) deliveries of the broadcast to `sending`; their ids.

    On PostgreSQL the inner SELECT skips rows another worker is claiming (SKIP LOCKED), so
    concurrent claims take disjoint batches without waiting; SQLite serialises writers anyway.
    The caller commits.
    """
    due = or_(and_(Delivery.status == "queued", Delivery.next_attempt_at <= now),
              and_(Delivery.status == "sending", Delivery.claimed_at < now - stale_after))
    # A CTE, because PostgreSQL may run an IN (subquery) again for each row and so ignore its LIMIT.
    chosen = (select(Delivery.id).where(Delivery.broadcast_id == broadcast_id, due)
              .order_by(Delivery.id).limit(limit).with_for_update(skip_locked=True)).cte("chosen")
    result = session.execute(
        update(Delivery).where(Delivery.id.in_(select(chosen.c.id)), due)
        .values(status="sending", claimed_at=now, attempts=Delivery.attempts + 1)
        .returning(Delivery.id).execution_options(synchronize_session=False))
    return sorted(result.scalars())


def broadcasts_waiting(session: Session, now: datetime, stale_after: timedelta, limit: int = 1000) -> list[int]:
    """Broadcasts with due deliveries and no live claim: nobody is working on them now."""
    stale = now - stale_after
    due = (select(Delivery.broadcast_id).where(
        Delivery.broadcast_id.is_not(None),
        or_(and_(Delivery.status == "queued", Delivery.next_attempt_at <= now),
            and_(Delivery.status == "sending", Delivery.claimed_at < stale))).distinct().limit(limit))
    live = select(Delivery.broadcast_id).where(Delivery.broadcast_id.is_not(None), Delivery.status == "sending",
                                               Delivery.claimed_at >= stale).distinct()
    return sorted(set(session.scalars(due)) - set(session.scalars(live)))
