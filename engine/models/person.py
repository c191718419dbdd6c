"""A person is one email address; what they may do comes from their roles."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Person(Base):
    """Someone PEP writes to and accepts mail from."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    digest_on: Mapped[bool] = mapped_column(default=True)
    unsubscribed_at: Mapped[datetime | None]
    suppressed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Role(Base):
    """One role of a person, scoped to an area subtree or a partnership; retired roles keep `ended_at`."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id"), index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
