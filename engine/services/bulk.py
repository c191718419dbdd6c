"""Set-based versions of claim_once, issue_token, queue_message and record: a constant number of
statements however many partnerships are due, so a tick over a whole force stays cheap."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Iterable, Sequence

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import AuditEvent, Broadcast, Delivery, NotificationLog, ReplyToken
from engine.queue.wakeups import wake_after_commit
from engine.services.outbox import OUTBOUND_QUEUE

# SQLite allows 32766 bound values per statement; two per key keeps well inside it.
_CHUNK = 5000


def claim_many(session: Session, env: Env, keys: Iterable[str]) -> set[str]:
    """The keys claimed now (first time ever); keys claimed before, here or by a concurrent
    scheduler on another host, are left out. Commits with the caller's transaction."""
    wanted = sorted({key[:300] for key in keys})
    if not wanted:
        return set()
    dialect = session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = env.clock.now()
    claimed: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        rows = [{"key": key, "created_at": now} for key in wanted[start:start + _CHUNK]]
        statement = make(NotificationLog).values(rows).on_conflict_do_nothing(index_elements=["key"])
        claimed.update(session.execute(statement.returning(NotificationLog.key)).scalars())
    return claimed


@dataclass(frozen=True)
class TokenRequest:
    """One reply token to create: to whom, about what."""

    person_id: int
    object_kind: str
    object_id: int | None
    data: dict[str, Any] = field(default_factory=dict)


def issue_many(session: Session, env: Env, purpose: str, requests: Sequence[TokenRequest],
               valid_for: timedelta) -> list[str]:
    """Token texts in the order of `requests`, each (person, object) at most once, created by one
    INSERT … RETURNING. Rows are matched back by (person, object) rather than asking the database to
    keep the order, which SQLite can only do one row at a time."""
    if not requests:
        return []
    keys = [(r.person_id, r.object_id) for r in requests]
    if len(set(keys)) != len(keys):
        raise ValueError("issue_many needs each (person, object) at most once")
    now = env.clock.now()
    rows = [{"purpose": purpose, "person_id": r.person_id, "object_kind": r.object_kind, "object_id": r.object_id,
             "data": r.data, "single_use": True, "created_at": now, "expires_at": now + valid_for}
            for r in requests]
    issued = {(person_id, object_id): env.signer.encode(purpose, token_id, expires_at)
              for token_id, person_id, object_id, expires_at in session.execute(
                  insert(ReplyToken).returning(ReplyToken.id, ReplyToken.person_id, ReplyToken.object_id,
                                               ReplyToken.expires_at), rows)}
    return [issued[key] for key in keys]


@dataclass(frozen=True)
class Outgoing:
    """One recipient of a bulk-queued message, with their own values and reply address."""

    person_id: int | None
    to_addr: str
    context: dict[str, Any]
    reply_token: str | None = None


def queue_many(session: Session, env: Env, kind: str, shared: dict[str, Any], outgoing: Sequence[Outgoing],
               attachments: list[dict[str, Any]] | None = None) -> int:
    """One broadcast row (the shared values and attachments, stored once) and a delivery per recipient.

    Callers select recipients that are not suppressed; these are essential messages (ISA, roles),
    so an unsubscribe does not stop them."""
    if not outgoing:
        return 0
    now = env.clock.now()
    broadcast = Broadcast(kind=kind, context=shared, attachments=attachments or [], bulk=False, created_at=now)
    session.add(broadcast)
    session.flush()
    rows = [{"kind": kind, "person_id": o.person_id, "to_addr": o.to_addr, "context": o.context,
             "reply_token": o.reply_token, "broadcast_id": broadcast.id, "status": "queued", "attempts": 0,
             "next_attempt_at": now, "created_at": now} for o in outgoing]
    for delivery_id in session.execute(insert(Delivery).returning(Delivery.id), rows).scalars():
        wake_after_commit(session, OUTBOUND_QUEUE, delivery_id)
    return len(rows)


def record_many(session: Session, env: Env, actor: str, action: str, object_kind: str,
                events: Sequence[tuple[int | None, dict[str, Any]]]) -> None:
    """Audit events for many objects in one statement: (object id, details) each."""
    if not events:
        return
    now = env.clock.now()
    session.execute(insert(AuditEvent), [{"at": now, "actor": actor, "action": action, "object_kind": object_kind,
                                          "object_id": object_id, "details": details}
                                         for object_id, details in events])
