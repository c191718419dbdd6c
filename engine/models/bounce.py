"""Evidence that mail to an address failed: one row per bounce, kept for inspection."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class BounceEvent(Base):
    """One delivery failure for `address`; `cleared_at` set means it no longer counts (the person confirmed again).

    `hard`: permanent failure; `policy`: a spam or policy rejection, kept but never counted.
    """

    __tablename__ = "bounce_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(320), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), index=True)
    inbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    hard: Mapped[bool]
    policy: Mapped[bool]
    status: Mapped[str | None] = mapped_column(String(20))
    diagnostic: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]
    cleared_at: Mapped[datetime | None]
