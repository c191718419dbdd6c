"""The force's geography: a tree of areas (force > division > neighbourhood)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Area(Base):
    """One node of the area tree; `path` ("/1/4/9/") makes a subtree one LIKE prefix query."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    path: Mapped[str] = mapped_column(String(1000), index=True, default="")
