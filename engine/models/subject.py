"""A person of interest recorded by police or by a partnership."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Subject(Base):
    """An offender, wanted person, licence, order, id_sought or exclusion, with expiry and review."""

    __tablename__ = "subjects"
    __table_args__ = (UniqueConstraint("partnership_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id"))
    source: Mapped[str] = mapped_column(String(20), default="police")
    category: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    date_of_birth: Mapped[date | None]
    description: Mapped[str] = mapped_column(Text, default="")
    last_seen: Mapped[date | None]
    age_from: Mapped[int | None]
    age_to: Mapped[int | None]
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    expires_at: Mapped[datetime | None]
    review_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    disposed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
