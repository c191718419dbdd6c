"""One message in a report's conversation: the reporter's words or the team's, kept with the report."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class ReportTurn(Base):
    """Who said what on a report, when, and from which inbound message (side: reporter, team or pep)."""

    __tablename__ = "report_turns"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    side: Mapped[str] = mapped_column(String(10))
    author_email: Mapped[str] = mapped_column(String(320))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    action: Mapped[str] = mapped_column(String(20), default="message")
    text: Mapped[str] = mapped_column(Text, default="")
    inbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    created_at: Mapped[datetime]
