"""Send a batch of one broadcast's deliveries: claim N in one statement, build on the fast path, record.

Rows are read and sent a batch at a time, never the whole broadcast in memory. What was sent is
committed every `RECORD_EVERY` messages, so a crash re-sends at most that many per batch in
flight (the rest of the claimed rows were never sent and are simply claimed again later).
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.app import App
from engine.models import Broadcast, Delivery, Person
from engine.queue.claim_batch import claim_batch
from engine.services.audit import record
from engine.services.outbox import base_context
from engine.services.recipients import refusals
from outbound import deliver as single
from outbound.attachments import resolve_attachments
from outbound.wire import Envelope, WirePlan, usable_value

log = logging.getLogger(__name__)
RECORD_EVERY = 20
PERSONAL_KEYS = ("recipient_name", "recipient_email")


class PlanCache:
    """The fast-path plans of the last few broadcasts, per process (a worker serves few at a time).

    A plan is trusted only after its first message came out identical to the slow path's.
    """

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._plans: OrderedDict[int, WirePlan | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, app: App, session: Session, broadcast: Broadcast) -> WirePlan | None:
        with self._lock:
            if broadcast.id in self._plans:
                self._plans.move_to_end(broadcast.id)
                return self._plans[broadcast.id]
        plan = _build_plan(app, session, broadcast)
        self.put(broadcast.id, plan)
        return plan

    def put(self, broadcast_id: int, plan: WirePlan | None) -> None:
        with self._lock:
            self._plans[broadcast_id] = plan
            while len(self._plans) > self._size:
                self._plans.popitem(last=False)


def _build_plan(app: App, session: Session, broadcast: Broadcast) -> WirePlan | None:
    shared = base_context(app.env, None, "x@invalid") | broadcast.context
    for key in PERSONAL_KEYS:
        shared.pop(key, None)
    try:
        return WirePlan.build(app.renderer, broadcast.kind, shared, PERSONAL_KEYS,
                              compose_args=single.compose_options(app, broadcast.kind, broadcast.bulk, broadcast.id),
                              attachments=resolve_attachments(session, broadcast.attachments))
    except Exception:  # noqa: BLE001 - the slow path reports the real error per delivery
        log.exception("broadcast %s: no fast path, building each message separately", broadcast.id)
        return None


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
        rows = list(session.scalars(select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.id)))
        person_ids = [d.person_id for d in rows if d.person_id is not None]
        people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
        refused = refusals(session, person_ids, bulk=broadcast.bulk)
        plan = plans.get(app, session, broadcast)
        unrecorded = 0
        for delivery in rows:
            reason = refused.get(delivery.person_id) if delivery.person_id is not None else None
            if reason is not None:
                single._finish(app, session, delivery, "failed", f"not sent: {reason}")
                continue
            try:
                data, envelope_from, plan = _message(app, session, plans, broadcast, plan, delivery,
                                                     people.get(delivery.person_id or 0))
            except Exception as exc:  # noqa: BLE001 - a template or data error is permanent: fail, don't loop
                log.exception("delivery %s could not be built", delivery.id)
                single._finish(app, session, delivery, "failed", f"could not build the message: {exc}")
                continue
            result = app.transport.send(envelope_from, delivery.to_addr, data)
            if not result.accepted:
                single.record_outcome(app, session, delivery, result)
                unrecorded = 0
                continue
            _mark_sent(app, session, delivery)
            unrecorded += 1
            if unrecorded >= RECORD_EVERY:
                session.commit()
                unrecorded = 0
        session.commit()
    return len(ids)


def _mark_sent(app: App, session: Session, delivery: Delivery) -> None:
    # As single._finish, without a commit per message.
    delivery.sent_at = app.clock.now()
    delivery.status = "sent"
    delivery.claimed_at = None
    delivery.last_error = None
    record(session, app.env, "pep", "delivery.sent", "delivery", delivery.id, kind=delivery.kind,
           to=delivery.to_addr, message_id=delivery.message_id, error=None)


def _message(app: App, session: Session, plans: PlanCache, broadcast: Broadcast, plan: WirePlan | None,
             delivery: Delivery, person: Person | None) -> tuple[bytes, str, WirePlan | None]:
    """The wire bytes on the fast path when it applies, else the slow path's; and the plan to go on with."""
    values = {k: v for k, v in base_context(app.env, person, delivery.to_addr).items() if k in PERSONAL_KEYS}
    fits = (plan is not None and not delivery.context and delivery.in_reply_to is None
            and all(usable_value(v) for v in values.values()))
    if not fits:
        data, envelope_from = single._build(app, session, delivery)
        return data, envelope_from, plan
    assert plan is not None
    delivery.message_id = single.delivery_message_id(app, delivery)
    envelope_from = single.verp_address(app, delivery.id)
    envelope = Envelope(to_addr=delivery.to_addr, to_name=values["recipient_name"], message_id=delivery.message_id,
                        date=app.clock.now().replace(microsecond=0), return_path=envelope_from,
                        reply_to=delivery.reply_token)
    data = plan.message(envelope, values)
    if not plan.verified:
        slow, _ = _unsigned_slow(app, session, delivery, envelope)
        if slow != data:
            log.warning("broadcast %s: fast path differs from the slow path; using the slow path", broadcast.id)
            plans.put(broadcast.id, None)
            return single.sign(app, slow), envelope_from, None
        plan.verified = True
    return single.sign(app, data), envelope_from, plan


def _unsigned_slow(app: App, session: Session, delivery: Delivery, envelope: Envelope) -> tuple[bytes, str]:
    from outbound.compose import compose
    context, attachments, bulk = single.message_context(app, session, delivery)
    rendered = app.renderer.render(delivery.kind, context)
    return compose(rendered, to_addr=delivery.to_addr, to_name=context.get("recipient_name"),
                   message_id=envelope.message_id, date=envelope.date, reply_to=envelope.reply_to,
                   return_path=envelope.return_path, in_reply_to=delivery.in_reply_to,
                   attachments=resolve_attachments(session, attachments),
                   **single.compose_options(app, delivery.kind, bulk, delivery.broadcast_id)), envelope.return_path
