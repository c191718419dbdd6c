"""A crime-reduction partnership and its status."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Partnership(Base):
    """A shopwatch, pubwatch or BCRP; its status follows engine.lifecycle."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("partnership_types.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="invited", index=True)
    disc_enabled: Mapped[bool] = mapped_column(default=False)
    authoring_agreed: Mapped[bool] = mapped_column(default=False)
    shares_with_police: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime]
    status_changed_at: Mapped[datetime]
