"""Something sent out by police: an alert, news, event, meeting or document."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Publication(Base):
    """An alert or publication with its audience rule, expiry and author."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20), default="info")
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    starts_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    reach: Mapped[str] = mapped_column(String(10), default="chairs")
    place: Mapped[str] = mapped_column(String(300), default="")
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
