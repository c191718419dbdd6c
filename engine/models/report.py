"""An incident or intelligence report from a member."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Report(Base):
    """A report with its reference (PEP-2026-000123), routing result and status."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    occurred_at: Mapped[datetime | None]
    where_text: Mapped[str] = mapped_column(Text, default="")
    who_text: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    routing: Mapped[dict[str, Any]] = mapped_column(default=dict)
    inbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"), index=True)
    created_at: Mapped[datetime]
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("publications.id"), index=True)
    # "stated" when the reporter said when; "received" when the time is the message's arrival
    when_source: Mapped[str] = mapped_column(String(10), default="stated")
    # what the acknowledgement asked for and the reporter has not yet answered: "", "when", "where", "when,where"
    awaiting: Mapped[str] = mapped_column(String(20), default="")
    # the national 3x5x2 grading: source evaluation 1-3, intelligence assessment A-E, handling code P or C
    source_grade: Mapped[str | None] = mapped_column(String(1))
    intel_grade: Mapped[str | None] = mapped_column(String(1))
    handling_code: Mapped[str | None] = mapped_column(String(1))
    isa_lapsed: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[datetime | None]
    # MOPI: when the report is next reviewed, and when its personal details were disposed of.
    review_at: Mapped[datetime | None]
    disposed_at: Mapped[datetime | None]
