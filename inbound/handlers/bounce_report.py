"""A delivery status notification at a VERP `bounces+TOKEN@` address: mark that delivery and score its address."""
from __future__ import annotations

from engine.models import Delivery
from engine.services.audit import record
from engine.services.bounces import record_bounce
from engine.tokens import TokenError
from inbound.work import Work


def handle_bounce(work: Work) -> str:
    try:
        decoded = work.app.env.signer.decode(work.recipient.token or "")
    except TokenError:
        return "bounce with an address PEP did not issue: ignored"
    if decoded.purpose != "bounce":
        return "bounce address with the wrong purpose: ignored"
    delivery = work.session.get(Delivery, decoded.token_id)
    if delivery is None:
        return "bounce for an unknown delivery: ignored"
    details = work.auth.get("bounce")
    if details is None:
        # Something came back to the envelope sender but it is no failure report (often an
        # auto-reply sent to Return-Path): kept as soft evidence, the delivery is left as it is.
        outcome = record_bounce(work.session, work.app.env, delivery.to_addr, hard=False, policy=False,
                                status=None, diagnostic="unrecognised message at the bounce address",
                                delivery_id=delivery.id, inbound_message_id=work.row.id)
        return f"unrecognised report for delivery {delivery.id}: soft evidence (score {outcome.score:g})"
    # VERP names the delivery, so its recipient is the address that failed, whatever the report says.
    outcome = record_bounce(work.session, work.app.env, delivery.to_addr, hard=bool(details.get("hard")),
                            policy=bool(details.get("policy")), status=details.get("status"),
                            diagnostic=str(details.get("diagnostic") or ""), delivery_id=delivery.id,
                            inbound_message_id=work.row.id)
    suppressed = "; address suppressed" if outcome.suppressed_now else ""
    if details.get("policy") or not details.get("hard"):
        record(work.session, work.app.env, "pep", "delivery.soft_bounce", "delivery", delivery.id, **details)
        return f"soft or policy bounce for delivery {delivery.id} (score {outcome.score:g}){suppressed}"
    delivery.status = "bounced"
    delivery.last_error = f"bounced: {details.get('status') or 'unknown status'}"
    record(work.session, work.app.env, "pep", "delivery.bounced", "delivery", delivery.id, **details)
    return f"delivery {delivery.id} bounced (score {outcome.score:g}){suppressed}"
