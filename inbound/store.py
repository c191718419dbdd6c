"""Persist the raw message first: one inbound row per PEP recipient, committed before 250."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from engine.db import SessionFactory
from engine.models import InboundMessage
from engine.queue.wakeups import wake_after_commit

INBOUND_QUEUE = "inbound"
# The columns `new_rows` fills; the others keep their database default (NULL).
ROW_COLUMNS = ("raw", "size", "mail_from", "rcpt_to", "source", "received_at", "message_id_header", "digest",
               "dedupe_key", "status", "attempts", "next_attempt_at", "auth")
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)


def header_message_id(raw: bytes) -> str | None:
    """The Message-ID from the header block, read without a full parse (intake must stay cheap)."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = _MESSAGE_ID.search(head)
    if not found:
        return None
    value = b" ".join(found.group(1).split()).decode("ascii", "replace").strip().strip("<>")
    return value[:900] or None


def dedupe_key(message_id: str | None, digest: str, recipient: str) -> str:
    """Same Message-ID, same content, same recipient: the same delivery of the same message."""
    return hashlib.sha256(f"{message_id or ''}\0{digest}\0{recipient.lower()}".encode()).hexdigest()


def new_rows(raw: bytes, mail_from: str, recipients: list[str], source: str,
             received_at: datetime, size: int | None = None) -> list[dict[str, Any]]:
    """The column values of one row per recipient of a message; `size` larger than `raw` means only the
    header of a message over the size limit was kept."""
    digest = hashlib.sha256(raw).hexdigest()
    message_id = header_message_id(raw)
    return [{"raw": raw, "size": max(size or 0, len(raw)), "mail_from": mail_from[:998], "rcpt_to": rcpt[:998],
             "source": source, "received_at": received_at, "message_id_header": message_id, "digest": digest,
             "dedupe_key": dedupe_key(message_id, digest, rcpt), "status": "received", "attempts": 0,
             "next_attempt_at": received_at, "auth": {}}
            for rcpt in recipients]


def insert_rows(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in one statement and return their ids in the same order.

    A bulk INSERT … RETURNING rather than one ORM object per row: intake writes nothing else, and
    the unit of work's bookkeeping cost more than the insert itself.
    """
    if not rows:
        return []
    statement = insert(InboundMessage).returning(InboundMessage.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def store_message(session: Session, raw: bytes, mail_from: str, recipients: list[str], source: str,
                  received_at: datetime, size: int | None = None) -> list[int]:
    """Add one row per recipient to the session and ask for them to be processed after commit."""
    ids = insert_rows(session, new_rows(raw, mail_from, recipients, source, received_at, size))
    for row_id in ids:
        wake_after_commit(session, INBOUND_QUEUE, row_id)
    return ids


def store_and_commit(factory: SessionFactory, raw: bytes, mail_from: str, recipients: list[str], source: str,
                     received_at: datetime) -> list[int]:
    """Store and commit in one transaction; raises if the database cannot take it (answer 451)."""
    with factory() as session:
        ids = store_message(session, raw, mail_from, recipients, source, received_at)
        session.commit()
    return ids


# Built once with the key and id as parameters: building it was most of the duplicate check's CPU,
# and the SQL it compiles to is the same for every message (so the compiled form is cached too).
_EARLIER_COPY = (select(InboundMessage.id)
                 .where(InboundMessage.dedupe_key == bindparam("dedupe_key", type_=InboundMessage.dedupe_key.type),
                        InboundMessage.id < bindparam("row_id", type_=InboundMessage.id.type),
                        InboundMessage.status != "parked")
                 .order_by(InboundMessage.id).limit(1))


def earlier_copy(session: Session, row: InboundMessage) -> int | None:
    """The id of an earlier row holding the same delivery of the same message, if any."""
    return session.scalar(_EARLIER_COPY, {"dedupe_key": row.dedupe_key, "row_id": row.id})
