"""Send one delivery: claim it, render, compose, hand to the transport, record the outcome."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from engine.app import App
from engine.models import Broadcast, Delivery, Person
from engine.queue.claim import backoff, claim_row, claim_rows
from engine.queue.wakeups import wake_after_commit
from engine.services.audit import record
from engine.services.bounces import classify_refusal, record_bounce
from engine.services.expiry import stale_publication
from engine.services.outbox import OUTBOUND_QUEUE, base_context
from engine.services.recipients import refusals
from outbound.attachments import resolve_attachments, resolve_inline_images
from outbound.compose import make_message_id
from outbound.single_plans import PLANS
from outbound.transport.base import SendResult

log = logging.getLogger(__name__)
VERP_VALID = timedelta(days=30)


def bounce_address(app: App, delivery: Delivery) -> str:
    """The VERP envelope sender: a bounce names the delivery it is about."""
    return verp_address(app, delivery.id)


def verp_address(app: App, delivery_id: int) -> str:
    """`bounces+TOKEN@domain` for the delivery with this id."""
    token = app.env.signer.encode("bounce", delivery_id, app.clock.now() + VERP_VALID)
    return app.env.address(f"bounces+{token}")


def deliver(app: App, delivery_id: int) -> None:
    """Idempotent: a delivery that is sent, failed, or held by a live worker is left alone.

    A crash after the transport accepted and before the row says so sends it again once: at most
    one duplicate per message in flight, and nothing lost.
    """
    with app.sessions() as session:
        # The claiming UPDATE returns the row: the work starts from it instead of reading it again.
        claimed = claim_row(session, Delivery, delivery_id, app.clock.now(), ("queued",), app.claim_timeout,
                            "sending")
        if claimed is None:
            session.rollback()
            return
        session.commit()
        # The same session goes on: the claimed row stays in it, current (expire_on_commit is off).
        _send(app, session, claimed, refused(session, [claimed], app.clock.now()).get(claimed.id))


def deliver_kept(app: App, delivery_ids: list[int]) -> None:
    """Send deliveries this worker queued itself a moment ago (`keep_here`), as `deliver` sends each, with one
    claim, one refusal query and one commit of the outcomes for all of them.

    A crash before that commit sends each again once, as with `deliver`; a delivery whose sending raised stays
    claimed and is retried when its claim is stale, as when `deliver` raises.
    """
    if not delivery_ids:
        return
    with app.sessions() as session:
        claimed = claim_rows(session, Delivery, delivery_ids, app.clock.now(), ("queued",), app.claim_timeout,
                             "sending")
        if not claimed:
            session.rollback()
            return
        session.commit()
        # The same session goes on: the claimed rows stay in it, current (expire_on_commit is off).
        refusals_now = refused(session, claimed, app.clock.now())
        for delivery in claimed:
            try:
                _send(app, session, delivery, refusals_now.get(delivery.id), commit=False)
            except Exception:  # noqa: BLE001 - the others still go; this one is retried once its claim is stale
                log.exception("delivery %s could not be sent", delivery.id)
        session.commit()


def _send(app: App, session: Session, delivery: Delivery, refusal: str | None, commit: bool = True) -> None:
    if refusal is not None:
        _finish(app, session, delivery, "failed", f"not sent: {refusal}", commit=commit)
        return
    try:
        with session.no_autoflush:  # the Message-ID is written with the outcome, not on its own
            data, envelope_from = _build(app, session, delivery)
    except Exception as exc:  # noqa: BLE001 - a template or data error is permanent: fail, don't loop
        log.exception("delivery %s could not be built", delivery.id)
        _finish(app, session, delivery, "failed", f"could not build the message: {exc}", commit=commit)
        return
    result = app.transport.send(envelope_from, delivery.to_addr, data)
    record_outcome(app, session, delivery, result, commit=commit)


def record_outcome(app: App, session: Session, delivery: Delivery, result: SendResult, commit: bool = True) -> None:
    """Sent; queued again with back-off (temporary failure within the lifetime); or failed for good.

    `commit` False: the caller commits (with other outcomes).
    """
    if result.accepted:
        delivery.sent_at = app.clock.now()
        _finish(app, session, delivery, "sent", None, commit=commit)
    elif result.temporary and app.clock.now() - delivery.created_at < timedelta(
            hours=app.settings.delivery_lifetime_hours):
        delivery.status = "queued"
        delivery.claimed_at = None
        delivery.last_error = f"{result.code or ''} {result.detail}".strip()[:2000]
        wait = max(backoff(delivery.attempts, app.settings.retry_base_seconds),
                   timedelta(seconds=result.retry_after or 0))
        delivery.next_attempt_at = app.clock.now() + wait
        wake_after_commit(session, OUTBOUND_QUEUE, delivery.id, int(wait.total_seconds() * 1000))
        if commit:
            session.commit()
    else:
        detail = f"{result.code or ''} {result.detail}".strip()
        if result.permanent:
            status, policy = classify_refusal(result.code, result.detail)
            record_bounce(session, app.env, delivery.to_addr, hard=True, policy=policy, status=status,
                          diagnostic=detail, delivery_id=delivery.id)
        _finish(app, session, delivery, "failed", detail, commit=commit)


def refused(session: Session, deliveries: list[Delivery], now: datetime) -> dict[int, str]:
    """Why each of these deliveries must not be sent now (a publication no longer current, a suppressed
    address, a person who left), by delivery id; one query per kind of check for all of them."""
    reasons = {d.id: stale for d in deliveries
               if (stale := stale_publication(session, d.kind, d.publication_id, now)) is not None}
    for bulk in (False, True):
        group = [d for d in deliveries
                 if d.id not in reasons and d.person_id is not None and (d.broadcast_id is not None) is bulk]
        found = refusals(session, [d.person_id for d in group if d.person_id is not None], bulk=bulk)
        reasons |= {d.id: found[d.person_id] for d in group if d.person_id in found}
    return reasons


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


def compose_options(app: App, kind: str, bulk: bool, broadcast_id: int | None) -> dict[str, Any]:
    """What every message of a kind shares: sender, automatic and bulk marks, list headers, MIME boundary."""
    options: dict[str, Any] = {"from_addr": app.settings.from_address, "from_name": app.settings.force_name,
                               "auto_submitted": True, "bulk": bulk}
    if bulk:
        options["list_id"] = f"{kind}.{app.settings.domain}"
        options["list_unsubscribe"] = f"mailto:{app.env.address('help')}?subject=UNSUBSCRIBE"
    if broadcast_id is not None:
        # Fixed per broadcast, so the composed-once fast path and this slow path give the same bytes.
        options["boundary"] = f"=_pep.b{broadcast_id}_="
    return options


def delivery_message_id(app: App, delivery: Delivery) -> str:
    """The delivery's Message-ID, stable across retries."""
    return delivery.message_id or make_message_id(
        app.settings.domain, f"d{delivery.id}.{int(delivery.created_at.timestamp())}")


def _build(app: App, session: Session, delivery: Delivery) -> tuple[bytes, str]:
    context, attachments, bulk = message_context(app, session, delivery)
    rendered = app.renderer.render(delivery.kind, context)
    delivery.message_id = delivery_message_id(app, delivery)
    envelope_from = bounce_address(app, delivery)
    data = PLANS.compose(rendered, to_addr=delivery.to_addr, to_name=context.get("recipient_name"),
                         message_id=delivery.message_id, date=app.clock.now().replace(microsecond=0),
                         reply_to=delivery.reply_token or broadcast_reply(app, delivery.id, context),
                         return_path=envelope_from, in_reply_to=delivery.in_reply_to,
                         attachments=resolve_attachments(session, attachments),
                         inline_images=resolve_inline_images(session, attachments),
                         **compose_options(app, delivery.kind, bulk, delivery.broadcast_id))
    return sign(app, data), envelope_from


def broadcast_reply(app: App, delivery_id: int, context: dict[str, Any]) -> str | None:
    """A broadcast asking for replies (`_reply`: purpose and until) gets a reply address naming this delivery,
    signed like a VERP address, so no token row is written per recipient."""
    wanted = context.get("_reply")
    if not wanted:
        return None
    token = app.env.signer.encode(wanted["purpose"], delivery_id, datetime.fromisoformat(wanted["until"]))
    return app.env.address(f"reply+{token}")


def sign(app: App, data: bytes) -> bytes:
    """DKIM-signed when a key is configured."""
    return app.dkim.sign(data) if app.dkim is not None else data


def _finish(app: App, session: Session, delivery: Delivery, status: str, error: str | None,
            commit: bool = True) -> None:
    delivery.status = status
    delivery.claimed_at = None
    delivery.last_error = error[:2000] if error else None
    record(session, app.env, "pep", f"delivery.{status}", "delivery", delivery.id, kind=delivery.kind,
           to=delivery.to_addr, message_id=delivery.message_id, error=error)
    if commit:
        session.commit()
