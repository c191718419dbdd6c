"""A broadcast's progress (how many deliveries are queued, sent, failed, bounced) and its wake-ups."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import Broadcast, Delivery
from engine.queue.claim_batch import broadcasts_waiting

if TYPE_CHECKING:
    from engine.app import App

# A delivery being sent right now still counts as queued for the author: it has not left yet.
SHOWN_AS = {"queued": "queued", "sending": "queued", "sent": "sent", "failed": "failed", "bounced": "bounced"}


def delivery_counts(session: Session, *, broadcast_id: int | None = None,
                    publication_id: int | None = None) -> dict[str, int]:
    """{"queued", "sent", "failed", "bounced", "total"} for a broadcast's or a publication's deliveries."""
    query = select(Delivery.status, func.count()).group_by(Delivery.status)
    if broadcast_id is not None:
        query = query.where(Delivery.broadcast_id == broadcast_id)
    if publication_id is not None:
        query = query.where(Delivery.publication_id == publication_id)
    counts = {"queued": 0, "sent": 0, "failed": 0, "bounced": 0}
    for status, number in session.execute(query):
        counts[SHOWN_AS.get(status, status)] = counts.get(SHOWN_AS.get(status, status), 0) + number
    counts["total"] = sum(counts.values())
    return counts


def broadcast_summary(session: Session, broadcast_id: int) -> dict[str, Any]:
    """What `pep broadcast show` prints: the broadcast and its delivery counts."""
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise NotFound(f"no broadcast {broadcast_id}")
    return {"id": broadcast.id, "kind": broadcast.kind, "bulk": broadcast.bulk,
            "publication_id": broadcast.publication_id, "created_at": broadcast.created_at,
            **delivery_counts(session, broadcast_id=broadcast_id)}


def wake_broadcasts(app: "App") -> int:
    """Wake workers for every broadcast with deliveries due and nobody working on it; how many."""
    from engine.queue.actors import BROADCAST_QUEUE
    with app.sessions() as session:
        waiting = broadcasts_waiting(session, app.clock.now(), app.claim_timeout)
    for broadcast_id in waiting:
        for _stream in range(app.settings.delivery_streams):
            app.enqueue(BROADCAST_QUEUE, broadcast_id)
    return len(waiting)
