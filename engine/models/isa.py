"""The Information Sharing Agreement: versions and who confirmed them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class IsaVersion(Base):
    """One version of the ISA text, kept forever with its hash."""

    __tablename__ = "isa_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    period_months: Mapped[int]
    published_at: Mapped[datetime]


class IsaConfirmation(Base):
    """A chair's confirmation of one ISA version for one partnership, with its evidence."""

    __tablename__ = "isa_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    isa_version_id: Mapped[int] = mapped_column(ForeignKey("isa_versions.id"))
    confirmed_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    inbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
