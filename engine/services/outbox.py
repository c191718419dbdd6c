"""Queue a message to a person: a delivery row written in the caller's transaction."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Delivery, Person
from engine.queue.wakeups import wake_after_commit
from engine.services.audit import record

OUTBOUND_QUEUE = "outbound"
ADDRESS_NAMES = ("incident", "intel", "alerts", "publish", "admin", "help")


def base_context(env: Env, person: Person | None, to_addr: str) -> dict[str, Any]:
    """Values every message may use: the force, PEP's addresses, whom it is to."""
    return {
        "force_name": env.settings.force_name,
        "addresses": {name: env.address(name) for name in ADDRESS_NAMES},
        "recipient_name": (person.name if person and person.name else to_addr.split("@")[0]),
        "recipient_email": to_addr,
    }


def queue_message(session: Session, env: Env, kind: str, context: dict[str, Any], *,
                  person: Person | None = None, to_addr: str | None = None, reply_token: str | None = None,
                  in_reply_to: str | None = None, publication_id: int | None = None,
                  report_id: int | None = None, attachments: list[dict[str, Any]] | None = None,
                  essential: bool = True) -> Delivery | None:
    """A delivery of message `kind` to `person` (or a bare address); None when the person gets no mail.

    `attachments` are references the outbound side resolves (e.g. {"isa_version": 3}), so that
    no bytes are copied into every delivery row.
    """
    address = person.email if person is not None else to_addr
    if not address:
        raise ValueError("a message needs a person or an address")
    if person is not None and (person.suppressed_at is not None
                               or (not essential and person.unsubscribed_at is not None)):
        record(session, env, "pep", "delivery.skipped", "person", person.id, kind=kind,
               reason="suppressed" if person.suppressed_at else "unsubscribed")
        return None
    now = env.clock.now()
    full = base_context(env, person, address) | context
    if attachments:
        full["_attachments"] = attachments
    delivery = Delivery(kind=kind, person_id=person.id if person else None, to_addr=address, context=full,
                        reply_token=reply_token, in_reply_to=in_reply_to, publication_id=publication_id,
                        report_id=report_id, status="queued", next_attempt_at=now, created_at=now)
    session.add(delivery)
    session.flush()
    wake_after_commit(session, OUTBOUND_QUEUE, delivery.id)
    return delivery
