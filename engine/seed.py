"""Defaults every new database gets: partnership types and a placeholder ISA (idempotent)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import IsaVersion, PartnershipType
from engine.services.isa import publish_version
from engine.services.ptypes import DEFAULT_TYPES

DEFAULT_ISA = Path(__file__).parent / "seed_data" / "isa-default.txt"
DEFAULT_PERIOD_MONTHS = 12


def seed_defaults(session: Session, env: Env) -> list[str]:
    """Add what is missing; returns what was added."""
    added = []
    existing = set(session.scalars(select(PartnershipType.name)))
    for name in DEFAULT_TYPES:
        if name not in existing:
            session.add(PartnershipType(name=name))
            added.append(f"type {name}")
    if session.scalar(select(IsaVersion.id).limit(1)) is None:
        publish_version(session, env, DEFAULT_ISA.read_text(encoding="utf-8"), DEFAULT_PERIOD_MONTHS, actor="pep init")
        added.append("placeholder ISA version 1")
    return added
