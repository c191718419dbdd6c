"""Check that a ruleset's names (types, areas, teams) exist in the database, naming file and line."""
from __future__ import annotations

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from engine.models import Area, PartnershipType, Team
from rules.model import TEAM_PREFIX, RuleProblem, Ruleset


# Built once: the check runs with every report, and building the union cost more than running it.
_KNOWN_NAMES = union_all(select(literal("type"), func.lower(PartnershipType.name)),
                         select(literal("area"), func.lower(Area.name)),
                         select(literal("team"), Team.name))


def unknown_names(session: Session, ruleset: Ruleset) -> list[RuleProblem]:
    """Every type, area or team a rule names that PEP does not know (each reported once)."""
    return problems_among(ruleset, known_names(session))


def known_names(session: Session) -> dict[str, set[str]]:
    """The names of every partnership type, area and team, lower-cased, in one statement."""
    known: dict[str, set[str]] = {"type": set(), "area": set(), "team": set()}
    for kind, name in session.execute(_KNOWN_NAMES):
        # Team names are lower-cased here rather than by the database, whose lower() may be ASCII only.
        known[kind].add(name.lower() if kind == "team" else name)
    return known


def problems_among(ruleset: Ruleset, known: dict[str, set[str]]) -> list[RuleProblem]:
    """The names the ruleset uses that are not among `known` (as `known_names` gives them)."""
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
