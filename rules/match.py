"""Which routes a publication or report takes: the tree walk, like a mail router's.

The top route always matches. Below a matching route its children are tried in order; the
first that matches is taken and the rest are skipped, unless that child says `continue`.
A route none of whose children match is itself the result.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from rules.model import Route

Facts = Mapping[str, Any]


def _one_of(key: str) -> Callable[[tuple[str, ...], Facts], bool]:
    return lambda wanted, facts: str(facts.get(key, "")).lower() in wanted


def _in_area(wanted: tuple[str, ...], facts: Facts) -> bool:
    # `areas` lists the report's area and every area above it, so a subtree matches by name.
    return bool(set(wanted) & {str(a).lower() for a in facts.get("areas", ())})


def _has_keyword(wanted: tuple[str, ...], facts: Facts) -> bool:
    text = str(facts.get("text", "")).lower()
    return any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) for word in wanted)


def _flag(key: str) -> Callable[[bool, Facts], bool]:
    return lambda wanted, facts: bool(facts.get(key, False)) == wanted


# One small named predicate per matcher key.
PREDICATES: dict[str, Callable[[Any, Facts], bool]] = {
    "kind": _one_of("kind"),
    "category": _one_of("category"),
    "reach": _one_of("reach"),
    "area": _in_area,
    "keywords": _has_keyword,
    "reply_to_alert": _flag("reply_to_alert"),
}


def route_matches(route: Route, facts: Facts) -> bool:
    return all(PREDICATES[key](wanted, facts) for key, wanted in route.match.items())


def matching_routes(top: Route, facts: Facts) -> list[Route]:
    """The routes `facts` ends up at, in order (several when routes say `continue`)."""
    taken: list[Route] = []
    for child in top.routes:
        if route_matches(child, facts):
            taken.extend(matching_routes(child, facts))
            if not child.cont:
                break
    return taken or [top]
