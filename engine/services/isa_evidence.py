"""The evidence of a partnership's ISA confirmations: who, when, which text, and the reply as it arrived."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import InboundMessage, IsaConfirmation, IsaVersion, Partnership, Person


def evidence_rows(session: Session, partnership: Partnership) -> list[dict[str, Any]]:
    """Every confirmation of `partnership`, oldest first, with what proves it."""
    rows = []
    for confirmation, version, person, inbound in session.execute(
            select(IsaConfirmation, IsaVersion, Person, InboundMessage)
            .join(IsaVersion, IsaVersion.id == IsaConfirmation.isa_version_id)
            .join(Person, Person.id == IsaConfirmation.person_id)
            .outerjoin(InboundMessage, InboundMessage.id == IsaConfirmation.inbound_message_id)
            .where(IsaConfirmation.partnership_id == partnership.id).order_by(IsaConfirmation.id)):
        rows.append({"confirmation_id": confirmation.id, "confirmed_by": person.email,
                     "confirmed_at": confirmation.confirmed_at.isoformat(),
                     "expires_at": confirmation.expires_at.isoformat(), "isa_version": version.version,
                     "isa_sha256": version.sha256, "from": confirmation.evidence.get("from"),
                     "message_id": confirmation.evidence.get("message_id"),
                     "inbound_message_id": confirmation.inbound_message_id,
                     "auth": json.dumps(confirmation.evidence.get("auth") or (inbound.auth if inbound else {})),
                     "raw_reply": inbound.raw.decode("utf-8", "replace") if inbound and inbound.raw else None})
    return rows
