"""Fan a message out to many people: one broadcast row and set-based delivery rows, no per-recipient loop."""
from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Select, insert, literal, select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Broadcast, Delivery, Person
from engine.queue.actors import BROADCAST_QUEUE
from engine.queue.wakeups import wake_after_commit


def fan_out(session: Session, env: Env, kind: str, context: dict[str, Any], recipients: Select[Any], *,
            publication_id: int | None = None, attachments: list[dict[str, Any]] | None = None,
            bulk: bool = True, essential: bool = True) -> Broadcast:
    """One delivery of `kind` per person id selected by `recipients`, skipping suppressed addresses
    (and, unless `essential`, people who unsubscribed). Values shared by all are stored once."""
    now = env.clock.now()
    broadcast = Broadcast(kind=kind, context=context, attachments=attachments or [], bulk=bulk,
                          publication_id=publication_id, created_at=now)
    session.add(broadcast)
    session.flush()
    people = select(literal(kind), Person.id, Person.email, literal({}, JSON), literal(broadcast.id),
                    literal(publication_id), literal("queued"), literal(0), literal(now, Delivery.next_attempt_at.type),
                    literal(now, Delivery.created_at.type)).where(
        Person.id.in_(recipients.scalar_subquery() if hasattr(recipients, "scalar_subquery") else recipients),
        Person.suppressed_at.is_(None))
    if not essential:
        people = people.where(Person.unsubscribed_at.is_(None))
    session.execute(insert(Delivery).from_select(
        ["kind", "person_id", "to_addr", "context", "broadcast_id", "publication_id", "status", "attempts",
         "next_attempt_at", "created_at"], people))
    # Workers take the deliveries in batches; one wake-up per stream, not one per recipient.
    for _stream in range(env.settings.delivery_streams):
        wake_after_commit(session, BROADCAST_QUEUE, broadcast.id)
    return broadcast
