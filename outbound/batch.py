"""Send a batch of one broadcast's deliveries: claim N in one statement, build on the fast path, record.

Rows are read and sent a batch at a time, never the whole broadcast in memory. What was sent is
committed every `RECORD_EVERY` messages, so a crash re-sends at most that many per batch in
flight (the rest of the claimed rows were never sent and are simply claimed again later).
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from engine.app import App
from engine.models import AuditEvent, Broadcast, Delivery, Person
from engine.queue.claim_batch import claim_batch
from engine.services.expiry import stale_publication
from engine.services.outbox import base_context
from engine.services.recipients import refusals
from outbound import deliver as single
from outbound.attachments import resolve_attachments, resolve_inline_images
from outbound.compose import compose, make_message_id
from outbound.plans import PERSONAL_KEYS, PlanCache
from outbound.wire import Envelope, WirePlan, usable_value
from outbound.wire_unique import UniquePlan

__all__ = ["PlanCache", "send_batch"]

log = logging.getLogger(__name__)
RECORD_EVERY = 50


def send_batch(app: App, plans: PlanCache, broadcast_id: int) -> int:
    """Claim and send up to PEP_DELIVERY_BATCH_SIZE deliveries of the broadcast; how many were claimed."""
    with app.sessions() as session:
        ids = claim_batch(session, broadcast_id, app.clock.now(), app.claim_timeout, app.settings.delivery_batch_size)
        session.commit()
    if not ids:
        return 0
    with app.sessions() as session:
        broadcast = session.get(Broadcast, broadcast_id)
        assert broadcast is not None
        # Plain rows, not ORM objects: on the fast path a delivery is only read, then marked sent in bulk.
        rows = session.execute(select(*_COLUMNS).where(Delivery.id.in_(ids)).order_by(Delivery.id)).all()
        person_ids = [r.person_id for r in rows if r.person_id is not None]
        people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
        refused = refusals(session, person_ids, bulk=broadcast.bulk)
        stale = stale_publication(session, broadcast.kind, broadcast.publication_id, app.clock.now())
        if stale is not None:
            refused = {pid: stale for pid in person_ids}
        sent = _Sent(app, session)
        for row in rows:
            reason = refused.get(row.person_id) if row.person_id is not None else None
            if reason is not None:
                single._finish(app, session, _loaded(session, row.id), "failed", f"not sent: {reason}")
                continue
            try:
                data, envelope_from, message_id = _message(app, session, plans, broadcast, row,
                                                           people.get(row.person_id or 0))
            except Exception as exc:  # noqa: BLE001 - a template or data error is permanent: fail, don't loop
                log.exception("delivery %s could not be built", row.id)
                single._finish(app, session, _loaded(session, row.id), "failed", f"could not build the message: {exc}")
                continue
            result = app.transport.send(envelope_from, row.to_addr, data)
            if result.accepted:
                sent.add(row, message_id)
            else:
                sent.flush()
                delivery = _loaded(session, row.id)
                delivery.message_id = message_id
                single.record_outcome(app, session, delivery, result)
        sent.flush()
    return len(ids)


_COLUMNS = (Delivery.id, Delivery.kind, Delivery.person_id, Delivery.to_addr, Delivery.context,
            Delivery.reply_token, Delivery.in_reply_to, Delivery.message_id, Delivery.created_at)


def _loaded(session: Session, delivery_id: int) -> Delivery:
    delivery = session.get(Delivery, delivery_id)
    assert delivery is not None
    return delivery


class _Sent:
    """Deliveries accepted by the relay, recorded (status, Message-ID, audit) every RECORD_EVERY messages."""

    def __init__(self, app: App, session: Session) -> None:
        self._app, self._session = app, session
        self._rows: list[dict[str, Any]] = []
        self._events: list[dict[str, Any]] = []

    def add(self, row: Any, message_id: str) -> None:
        now = self._app.clock.now()
        self._rows.append({"b_id": row.id, "b_sent_at": now, "b_message_id": message_id})
        # As engine.services.audit.record writes it, for many rows in one statement.
        self._events.append({"at": now, "actor": "pep", "action": "delivery.sent", "object_kind": "delivery",
                             "object_id": row.id, "details": {"kind": row.kind, "to": row.to_addr,
                                                             "message_id": message_id, "error": None}})
        if len(self._rows) >= RECORD_EVERY:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            table = Delivery.__table__
            self._session.execute(
                update(table).where(table.c.id == bindparam("b_id"))
                .values(status="sent", sent_at=bindparam("b_sent_at"), message_id=bindparam("b_message_id"),
                        claimed_at=None, last_error=None), self._rows)
            self._session.execute(insert(AuditEvent), self._events)
            self._rows, self._events = [], []
        self._session.commit()


def _message(app: App, session: Session, plans: PlanCache, broadcast: Broadcast, row: Any,
             person: Person | None) -> tuple[bytes, str, str]:
    """The wire bytes (on a fast path when one applies, else the slow path's), envelope sender, Message-ID.

    A row without values of its own gets the broadcast's shared body with its name and address filled in;
    a row with its own values (a digest) is rendered alone and put into the broadcast's composed-once
    message; anything unusual (a reply in a thread, a value or template a plan cannot reproduce) is
    built by the slow path.
    """
    base = base_context(app.env, person, row.to_addr)
    if row.in_reply_to is None and not row.context:
        values = {k: v for k, v in base.items() if k in PERSONAL_KEYS}
        if all(usable_value(v) for v in values.values()):
            wire = plans.get(app, session, broadcast)
            if wire is not None:
                envelope = _envelope(app, row, values["recipient_name"], broadcast.context)
                return _checked(app, session, plans, broadcast, row, envelope, wire, wire.message(envelope, values))
    elif row.in_reply_to is None:
        unique = plans.unique(app, session, broadcast)
        if unique is not None:
            context = base | broadcast.context | row.context
            rendered = app.renderer.render(row.kind, context)
            if unique.fits(rendered):
                envelope = _envelope(app, row, context.get("recipient_name"), context)
                return _checked(app, session, plans, broadcast, row, envelope, unique,
                                unique.message(envelope, rendered))
    delivery = _loaded(session, row.id)
    data, envelope_from = single._build(app, session, delivery)
    return data, envelope_from, str(delivery.message_id)


def _envelope(app: App, row: Any, to_name: str | None, context: dict[str, Any]) -> Envelope:
    message_id = row.message_id or make_message_id(
        app.settings.domain, f"d{row.id}.{int(row.created_at.timestamp())}")
    return Envelope(to_addr=row.to_addr, to_name=to_name, message_id=message_id,
                    date=app.clock.now().replace(microsecond=0), return_path=single.verp_address(app, row.id),
                    reply_to=row.reply_token or single.broadcast_reply(app, row.id, context))


def _checked(app: App, session: Session, plans: PlanCache, broadcast: Broadcast, row: Any, envelope: Envelope,
             plan: WirePlan | UniquePlan, data: bytes) -> tuple[bytes, str, str]:
    """`data` signed; the first message of a plan not yet trusted is compared with the slow path's, and a
    plan that differs is dropped (this message and the rest of the broadcast take the slow path)."""
    if not plans.trusted(plan):
        slow = _unsigned_slow(app, session, _loaded(session, row.id), envelope)
        if slow != data:
            which = "wire" if isinstance(plan, WirePlan) else "unique"
            log.warning("broadcast %s: %s fast path differs from the slow path; using the slow path",
                        broadcast.id, which)
            plans.put(broadcast.id, None, which)
            data = slow
        else:
            plans.trust(plan)
    return single.sign(app, data), envelope.return_path, envelope.message_id


def _unsigned_slow(app: App, session: Session, delivery: Delivery, envelope: Envelope) -> bytes:
    """The slow path's bytes for the same envelope, to check a new plan against."""
    context, attachments, bulk = single.message_context(app, session, delivery)
    rendered = app.renderer.render(delivery.kind, context)
    return compose(rendered, to_addr=delivery.to_addr, to_name=context.get("recipient_name"),
                   message_id=envelope.message_id, date=envelope.date, reply_to=envelope.reply_to,
                   return_path=envelope.return_path, in_reply_to=delivery.in_reply_to,
                   attachments=resolve_attachments(session, attachments),
                   inline_images=resolve_inline_images(session, attachments),
                   **single.compose_options(app, delivery.kind, bulk, delivery.broadcast_id))
