"""Check that a ruleset's names (types, areas, teams) exist in the database, naming file and line."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import Area, PartnershipType, Team
from rules.model import TEAM_PREFIX, RuleProblem, Ruleset


def unknown_names(session: Session, ruleset: Ruleset) -> list[RuleProblem]:
    """Every type, area or team a rule names that PEP does not know (each reported once)."""
    known = {
        "type": set(session.scalars(select(func.lower(PartnershipType.name)))),
        "area": set(session.scalars(select(func.lower(Area.name)))),
        "team": {t.lower() for t in session.scalars(select(Team.name))},
    }
    labels = {"type": "partnership type", "area": "area", "team": "team"}
    found: dict[tuple[str, int, str], None] = {}

    def check(kind: str, name: str, file: str, line: int) -> None:
        if name.lower() not in known[kind]:
            found[(file, line, f"unknown {labels[kind]} {name!r}")] = None

    for route in ruleset.publications.walk():
        for kind in ("type", "area"):
            if f"partnerships.{kind}" not in route.key_lines:
                continue  # inherited: reported where the parent wrote it
            for name in route.partnerships.get(kind, ()):
                check(kind, name, route.file, route.line_of(f"partnerships.{kind}"))
    for route in ruleset.reports.walk():
        for name in route.match.get("area", ()):
            check("area", name, route.file, route.line_of("match.area"))
        for receiver in route.receivers:
            if receiver.startswith(TEAM_PREFIX):
                check("team", receiver[len(TEAM_PREFIX):], route.file, route.line_of("receivers"))
    return [RuleProblem(file, line, message) for file, line, message in found]
