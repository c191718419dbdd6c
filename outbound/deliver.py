"""Send one delivery: claim it, render, compose, hand to the transport, record the outcome."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from engine.app import App
from engine.models import Broadcast, Delivery, Person
from engine.queue.claim import backoff, claim
from engine.queue.wakeups import wake_after_commit
from engine.services.audit import record
from engine.services.bounces import classify_refusal, record_bounce
from engine.services.outbox import OUTBOUND_QUEUE, base_context
from outbound.attachments import resolve_attachments, resolve_inline_images
from outbound.compose import compose, make_message_id

log = logging.getLogger(__name__)
VERP_VALID = timedelta(days=30)


def bounce_address(app: App, delivery: Delivery) -> str:
    """The VERP envelope sender: a bounce names the delivery it is about."""
    token = app.env.signer.encode("bounce", delivery.id, app.clock.now() + VERP_VALID)
    return app.env.address(f"bounces+{token}")


def deliver(app: App, delivery_id: int) -> None:
    """Idempotent: a delivery that is sent, failed, or held by a live worker is left alone.

    A crash after the transport accepted and before the row says so sends it again once: at most
    one duplicate per message in flight, and nothing lost.
    """
    with app.sessions() as session:
        if not claim(session, Delivery, delivery_id, app.clock.now(), ("queued",), app.claim_timeout, "sending"):
            session.rollback()
            return
        session.commit()
    with app.sessions() as session:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        try:
            data, envelope_from = _build(app, session, delivery)
        except Exception as exc:  # noqa: BLE001 - a template or data error is permanent: fail, don't loop
            log.exception("delivery %s could not be built", delivery_id)
            _finish(app, session, delivery, "failed", f"could not build the message: {exc}")
            return
        result = app.transport.send(envelope_from, delivery.to_addr, data)
        if result.accepted:
            delivery.sent_at = app.clock.now()
            _finish(app, session, delivery, "sent", None)
        elif result.temporary and app.clock.now() - delivery.created_at < timedelta(
                hours=app.settings.delivery_lifetime_hours):
            delivery.status = "queued"
            delivery.claimed_at = None
            delivery.last_error = f"{result.code or ''} {result.detail}".strip()[:2000]
            delay = backoff(delivery.attempts, app.settings.retry_base_seconds)
            delivery.next_attempt_at = app.clock.now() + delay
            wake_after_commit(session, OUTBOUND_QUEUE, delivery.id, int(delay.total_seconds() * 1000))
            session.commit()
        else:
            detail = f"{result.code or ''} {result.detail}".strip()
            if result.permanent:
                status, policy = classify_refusal(result.code, result.detail)
                record_bounce(session, app.env, delivery.to_addr, hard=True, policy=policy, status=status,
                              diagnostic=detail, delivery_id=delivery.id)
            _finish(app, session, delivery, "failed", detail)


def message_context(app: App, session: Session, delivery: Delivery) -> tuple[dict[str, Any], list[Any], bool]:
    """The values to render with, the attachment references, and whether it is bulk mail.

    A delivery of a broadcast carries only what is its own; the shared values live once on the broadcast.
    """
    if delivery.broadcast_id is None:
        return delivery.context, delivery.context.get("_attachments", []), False
    broadcast = session.get(Broadcast, delivery.broadcast_id)
    assert broadcast is not None
    person = session.get(Person, delivery.person_id) if delivery.person_id else None
    context = base_context(app.env, person, delivery.to_addr) | broadcast.context | delivery.context
    return context, broadcast.attachments, broadcast.bulk


def _build(app: App, session: Session, delivery: Delivery) -> tuple[bytes, str]:
    context, attachments, bulk = message_context(app, session, delivery)
    rendered = app.renderer.render(delivery.kind, context)
    delivery.message_id = delivery.message_id or make_message_id(
        app.settings.domain, f"d{delivery.id}.{int(delivery.created_at.timestamp())}")
    envelope_from = bounce_address(app, delivery)
    data = compose(rendered, from_addr=app.settings.from_address, from_name=app.settings.force_name,
                   to_addr=delivery.to_addr, to_name=context.get("recipient_name"),
                   message_id=delivery.message_id, date=app.clock.now(),
                   reply_to=delivery.reply_token or _broadcast_reply(app, delivery, context),
                   return_path=envelope_from, auto_submitted=True, bulk=bulk, in_reply_to=delivery.in_reply_to,
                   attachments=resolve_attachments(session, attachments),
                   inline_images=resolve_inline_images(session, attachments))
    return data, envelope_from


def _broadcast_reply(app: App, delivery: Delivery, context: dict[str, Any]) -> str | None:
    """A broadcast asking for replies (`_reply`: purpose and until) gets a reply address naming this delivery,
    signed like a VERP address, so no token row is written per recipient."""
    wanted = context.get("_reply")
    if not wanted:
        return None
    token = app.env.signer.encode(wanted["purpose"], delivery.id, datetime.fromisoformat(wanted["until"]))
    return app.env.address(f"reply+{token}")


def _finish(app: App, session: Session, delivery: Delivery, status: str, error: str | None) -> None:
    delivery.status = status
    delivery.claimed_at = None
    delivery.last_error = error[:2000] if error else None
    record(session, app.env, "pep", f"delivery.{status}", "delivery", delivery.id, kind=delivery.kind,
           to=delivery.to_addr, message_id=delivery.message_id, error=error)
    session.commit()
