"""A partnership's exclusion of a subject: banned from one member's premises, banned from all."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Exclusion(Base):
    """status: proposed -> warning | active -> expired | lifted; a proposal may lapse unapproved.

    `stage` is what the board decided: a `warning` or a full `exclusion`.
    """

    __tablename__ = "exclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    stage: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="proposed", index=True)
    months: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    proposed_at: Mapped[datetime]
    proposal_expires_at: Mapped[datetime]
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    extensions: Mapped[int] = mapped_column(default=0)
    appeal_lodged_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class ExclusionApproval(Base):
    """One board member's approval of a proposal; one row per person, so a repeat counts once."""

    __tablename__ = "exclusion_approvals"
    __table_args__ = (UniqueConstraint("exclusion_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exclusion_id: Mapped[int] = mapped_column(ForeignKey("exclusions.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    approved_at: Mapped[datetime]
    inbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
