"""A police mailbox that reports are routed to."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Team(Base):
    """A safer neighbourhood team for an area, or a central department."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    central: Mapped[bool] = mapped_column(default=False)
