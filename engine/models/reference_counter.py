"""The last report reference issued in each year, so references are sequential per year."""
from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class ReferenceCounter(Base):
    """One row per year; incremented atomically by engine.services.references."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)
