"""Every accepted email, stored raw before it is acknowledged: the unit of inbound work."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class InboundMessage(Base):
    """Raw bytes and envelope of one message for one PEP recipient, with its classification and outcome.

    status: received -> processing -> done | duplicate | retry | parked.
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (Index("ix_inbound_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    size: Mapped[int]
    mail_from: Mapped[str] = mapped_column(String(998), default="")
    rcpt_to: Mapped[str] = mapped_column(String(998))
    source: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[datetime]
    message_id_header: Mapped[str | None] = mapped_column(String(998))
    digest: Mapped[str] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(12), default="received")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sender: Mapped[str | None] = mapped_column(String(320))
    classification: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    auth: Mapped[dict[str, Any]] = mapped_column(default=dict)
