"""The audit log's hash chain: seal events in id order, and verify that none was changed or removed.

Events are sealed a little after they are written, not as they are written: chaining at insert
time would make every audited transaction wait for one lock. `settle` must exceed the longest
transaction, so that an event committed late with a lower id is not skipped; if one ever is,
verification reports it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from engine.models import AuditEvent

GENESIS = "0" * 64


def event_digest(prev_hash: str, event: AuditEvent) -> str:
    """sha256 of the previous hash and a canonical form of everything the event says."""
    at = event.at.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")
    body = json.dumps([event.id, at, event.actor, event.action, event.object_kind, event.object_id, event.details],
                      sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode("utf-8")).hexdigest()


def _head(session: Session) -> tuple[int, str]:
    row = session.execute(select(AuditEvent.id, AuditEvent.hash).where(AuditEvent.hash.is_not(None))
                          .order_by(AuditEvent.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def seal(session: Session, now: datetime, settle: timedelta = timedelta(seconds=60), batch: int = 5000) -> int:
    """Chain unsealed events written before `now - settle`; returns how many were sealed (caller commits)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7318001)"))  # one sealer at a time
    head_id, head_hash = _head(session)
    events = session.scalars(select(AuditEvent).where(AuditEvent.hash.is_(None), AuditEvent.id > head_id,
                                                      AuditEvent.at <= now - settle)
                             .order_by(AuditEvent.id).limit(batch)).all()
    sealed = 0
    for event in events:
        digest = event_digest(head_hash, event)
        done = session.execute(update(AuditEvent).where(AuditEvent.id == event.id, AuditEvent.hash.is_(None))
                               .values(prev_hash=head_hash, hash=digest)
                               .execution_options(synchronize_session=False))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            break
        head_hash, sealed = digest, sealed + 1
    return sealed


@dataclass(frozen=True)
class Verification:
    """The result of checking the chain: how many events, and the first broken link if any."""

    checked: int
    broken_id: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(session: Session, batch: int = 10_000) -> Verification:
    """Recompute the chain from the start; name the first event whose link does not hold."""
    expected_prev, checked, last_id = GENESIS, 0, 0
    while True:
        events = session.scalars(select(AuditEvent).where(AuditEvent.hash.is_not(None), AuditEvent.id > last_id)
                                 .order_by(AuditEvent.id).limit(batch)).all()
        if not events:
            break
        for event in events:
            if event.prev_hash != expected_prev:
                return Verification(checked, event.id, "the link to the previous event is broken "
                                                       "(an event before it was removed or changed)")
            if event_digest(expected_prev, event) != event.hash:
                return Verification(checked, event.id, "the event's content does not match its hash")
            expected_prev, checked, last_id = event.hash, checked + 1, event.id
        session.expunge_all()
    straggler = session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.hash.is_(None),
                                                                     AuditEvent.id < last_id))
    if straggler is not None:
        return Verification(checked, straggler, "an event below the sealed head was never sealed")
    return Verification(checked, None, "intact")
