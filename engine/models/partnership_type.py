"""Kinds of partnership: pubwatch, shopwatch, bcrp, …"""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class PartnershipType(Base):
    """A partnership type that alerts can target by name."""

    __tablename__ = "partnership_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
