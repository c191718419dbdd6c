"""Who a publication reaches: its routes compiled to SQL, passed through the gate, and counted."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Area, Partnership, PartnershipType, Publication
from engine.services import gate
from engine.services.rulebook import checked_rules, publication_routes
from rules.audience import Target, audience_pairs, matched_partnerships
from rules.model import Route


@dataclass(frozen=True)
class Audience:
    """The routes taken and the (person_id, partnership_id, onward) pairs they name, before the gate."""

    routes: list[Route]
    pairs: Select[Any]
    target: Target


def audience_for(session: Session, env: Env, kind: str, category: str, reach: str, types: Any, areas: Any,
                 author_id: int | None) -> Audience:
    ruleset = checked_rules(session, env.settings)
    routes = publication_routes(ruleset, kind, category, reach)
    target = Target(types=tuple(types) if types is not None else None,
                    areas=tuple(areas) if areas is not None else None)
    return Audience(routes, audience_pairs(routes, target, author_id), target)


def publication_audience(session: Session, env: Env, publication: Publication) -> Audience:
    spec = publication.audience or {}
    return audience_for(session, env, publication.kind, publication.category, publication.reach,
                        spec.get("types"), spec.get("areas"), publication.author_id)


@dataclass(frozen=True)
class Counts:
    """What a preview or `explain` shows: partnerships reached with their recipients, and those held back."""

    partnerships: list[dict[str, Any]]
    recipients: int
    held_back: list[str]


def count(session: Session, env: Env, audience: Audience, category: str,
          publication: Publication | None = None) -> Counts:
    """Counts after the gate (nothing audited: this is a look, not a disclosure)."""
    now = env.clock.now()
    passed = gate.allowed(audience.pairs, now, gate.carries_personal_data(category), publication).subquery("p")
    rows = session.execute(
        select(Partnership.name, PartnershipType.name, Area.name, func.count(passed.c.person_id.distinct()))
        .join(Partnership, Partnership.id == passed.c.partnership_id)
        .join(PartnershipType, PartnershipType.id == Partnership.type_id)
        .join(Area, Area.id == Partnership.area_id)
        .group_by(Partnership.name, PartnershipType.name, Area.name).order_by(Partnership.name)).all()
    total = session.scalar(select(func.count(passed.c.person_id.distinct()))) or 0
    reached = {r[0] for r in rows}
    matched = session.scalars(select(Partnership.name).where(
        Partnership.id.in_(matched_partnerships(audience.routes, audience.target))).order_by(Partnership.name))
    return Counts([{"name": n, "type": t, "area": a, "recipients": c} for n, t, a, c in rows], total,
                  [name for name in matched if name not in reached])
