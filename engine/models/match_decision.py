"""A police decision that two subject records are, or are not, the same person."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class MatchDecision(Base):
    """`link` or `unlink` for one pair (lower id first); the latest decision for a pair replaces the earlier."""

    __tablename__ = "match_decisions"
    __table_args__ = (UniqueConstraint("subject_a_id", "subject_b_id"),
                      CheckConstraint("subject_a_id < subject_b_id", name="ordered_pair"))

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_a_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    subject_b_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    decision: Mapped[str] = mapped_column(String(10))
    decided_by: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime]
