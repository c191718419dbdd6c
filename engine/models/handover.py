"""A chair handing their partnership over: pending until the new chair confirms the ISA."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class ChairHandover(Base):
    """One `CHAIR new@address` request; pending while neither completed, cancelled nor expired."""

    __tablename__ = "chair_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    old_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    new_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    requested_by: Mapped[str] = mapped_column(String(320))
    requested_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
