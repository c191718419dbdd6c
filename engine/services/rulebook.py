"""The deployment's rules, loaded and checked against the database, and the routes a thing takes."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.settings import Settings
from rules.cache import RULES
from rules.load import RulesInvalid
from rules.match import matching_routes
from rules.model import Route, Ruleset
from rules.references import unknown_names


def checked_rules(session: Session, settings: Settings, extra: str | None = None) -> Ruleset:
    """The shipped rules plus PEP_RULES_FILE (or `extra`), with every name they use known to PEP.

    The files are parsed once per content (see rules.cache); the names are checked against the
    database on every call, so a team or area removed since is noticed at once.
    """
    ruleset = RULES.load(extra if extra is not None else settings.rules_file)
    problems = unknown_names(session, ruleset)
    if problems:
        raise RulesInvalid(problems)
    return ruleset


def publication_routes(ruleset: Ruleset, kind: str, category: str, reach: str) -> list[Route]:
    return matching_routes(ruleset.publications, {"kind": kind, "category": category, "reach": reach})


def report_routes(ruleset: Ruleset, facts: dict[str, Any]) -> list[Route]:
    """Facts: kind, areas (the report's area and those above it), text, reply_to_alert."""
    return matching_routes(ruleset.reports, facts)
