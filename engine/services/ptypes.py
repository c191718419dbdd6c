"""Partnership types: seeded defaults and the ones admins add."""
from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import PartnershipType
from engine.services.audit import record

DEFAULT_TYPES = ("bcrp", "shopwatch", "pubwatch", "nightwatch", "csp")
_NAME = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")


def find_type(session: Session, name: str) -> PartnershipType:
    found = session.scalar(select(PartnershipType).where(func.lower(PartnershipType.name) == name.strip().lower()))
    if found is None:
        raise NotFound(f"unknown partnership type {name!r}")
    return found


def add_type(session: Session, env: Env, name: str, actor: str = "cli") -> PartnershipType:
    clean = name.strip().lower()
    if not _NAME.match(clean):
        raise InvalidInput(f"{name!r} is not a type name (letters, digits, - and _; 2 to 40 characters)")
    if session.scalar(select(PartnershipType.id).where(PartnershipType.name == clean)) is not None:
        raise Conflict(f"partnership type {clean!r} exists already")
    ptype = PartnershipType(name=clean)
    session.add(ptype)
    session.flush()
    record(session, env, actor, "type.added", "partnership_type", ptype.id, name=clean)
    return ptype


def list_types(session: Session) -> list[PartnershipType]:
    return list(session.scalars(select(PartnershipType).order_by(PartnershipType.name)))
