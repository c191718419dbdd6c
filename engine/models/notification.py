"""The notification log: one row per (what, for whom, which cycle) makes sending idempotent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class NotificationLog(Base):
    """A unique key claimed before something is sent, so it is sent once."""

    __tablename__ = "notification_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    created_at: Mapped[datetime]
