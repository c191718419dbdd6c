"""One message to one recipient: the unit of outbound work."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Delivery(Base):
    """A message kind, its own values (and a broadcast's shared ones) and a recipient; status queued -> sending -> sent / failed / bounced."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    to_addr: Mapped[str] = mapped_column(String(320))
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reply_token: Mapped[str | None] = mapped_column(String(80))
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("publications.id"), index=True)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(250))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
