"""What a rules file says, once read and checked: two trees of routes, for publications and reports."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PUBLICATION_KINDS = ("alert", "news", "event", "meeting", "document")
CATEGORIES = ("offender", "wanted", "licence", "order", "id_sought", "info")
PERSONAL_CATEGORIES = frozenset({"offender", "wanted", "licence", "order", "id_sought"})
REACHES = ("chairs", "members")
REPORT_KINDS = ("incident", "intel")
STATUSES = ("invited", "active", "lapsed", "suspended", "left")

PUBLICATION_RECEIVERS = ("chairs", "members", "author")
REPORT_RECEIVERS = ("area_team", "central_team", "author")
TEAM_PREFIX = "team:"


@dataclass(frozen=True)
class Route:
    """One node of a routing tree, with its parent's defaults already folded in.

    `match` is tested against what is being routed (a publication or a report); `partnerships`
    filters who may receive it (compiled to SQL); `receivers` says which people or teams.
    """

    name: str
    line: int
    file: str = ""
    key_lines: dict[str, int] = field(default_factory=dict, compare=False)
    match: dict[str, Any] = field(default_factory=dict)
    partnerships: dict[str, Any] = field(default_factory=dict)
    receivers: tuple[str, ...] = ()
    onward: bool = False
    cont: bool = False
    routes: tuple["Route", ...] = ()

    def line_of(self, key: str) -> int:
        """The line where `key` (e.g. "partnerships.area") was written, else the route's own line."""
        return self.key_lines.get(key, self.line)

    def walk(self) -> list["Route"]:
        """This route and every route below it, depth first."""
        out = [self]
        for child in self.routes:
            out.extend(child.walk())
        return out


@dataclass(frozen=True)
class Ruleset:
    """The publication and report trees and the files they came from."""

    files: tuple[str, ...]
    publications: Route
    reports: Route

    def named_teams(self) -> set[str]:
        return {r.removeprefix(TEAM_PREFIX) for route in self.reports.walk() for r in route.receivers
                if r.startswith(TEAM_PREFIX)}


@dataclass(frozen=True)
class RuleProblem:
    """One thing wrong in a rules file, with the file and line it is on."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"
