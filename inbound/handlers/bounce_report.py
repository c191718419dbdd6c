"""A delivery status notification at a VERP `bounces+TOKEN@` address: mark that delivery bounced."""
from __future__ import annotations

from engine.models import Delivery
from engine.services.audit import record
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
    details = work.auth.get("bounce") or {}
    if details.get("policy") or details.get("hard") is False:
        record(work.session, work.app.env, "pep", "delivery.soft_bounce", "delivery", delivery.id, **details)
        return f"soft or policy bounce for delivery {delivery.id}"
    delivery.status = "bounced"
    delivery.last_error = f"bounced: {details.get('status') or 'unknown status'}"
    record(work.session, work.app.env, "pep", "delivery.bounced", "delivery", delivery.id, **details)
    return f"delivery {delivery.id} bounced"
