"""Read rules files: TOML in, a checked Ruleset out, or every problem with its file and line."""
from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from engine.errors import InvalidInput
from rules.lines import KeyLines
from rules.model import (CATEGORIES, PUBLICATION_KINDS, PUBLICATION_RECEIVERS, REACHES, REPORT_KINDS,
                         REPORT_RECEIVERS, STATUSES, TEAM_PREFIX, Route, RuleProblem, Ruleset)

DEFAULT_RULES = Path(__file__).parent / "default.toml"
ROUTE_KEYS = frozenset({"name", "match", "partnerships", "receivers", "onward", "continue", "routes"})
TREES = ("publications", "reports")


class RulesInvalid(InvalidInput):
    """A rules file with problems; the message lists each one as FILE:LINE: what."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _words(allowed: tuple[str, ...]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            return "must be a word or a list of words"
        bad = [v for v in values if v.lower() not in allowed]
        return f"unknown value {bad[0]!r} (one of {', '.join(allowed)})" if bad else None
    return check


def _names(value: Any) -> str | None:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
        return "must be a name or a list of names"
    return None


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


# What each tree may match on, and how each value is checked: small named checks, as data.
MATCHERS: dict[str, dict[str, Callable[[Any], str | None]]] = {
    "publications": {"kind": _words(PUBLICATION_KINDS), "category": _words(CATEGORIES), "reach": _words(REACHES)},
    "reports": {"kind": _words(REPORT_KINDS), "area": _names, "keywords": _names, "reply_to_alert": _boolean},
}
PARTNERSHIP_FILTERS: dict[str, Callable[[Any], str | None]] = {
    "type": _names, "area": _names, "status": _words(STATUSES), "disc_enabled": _boolean,
    "authoring_agreed": _boolean,
}


def _normal(value: Any) -> Any:
    """Words and names as lower-case tuples; booleans as they are."""
    if isinstance(value, bool):
        return value
    values = [value] if isinstance(value, str) else value
    return tuple(" ".join(v.split()).lower() for v in values)


class _Reader:
    def __init__(self, file: str, source: str) -> None:
        self.file = file
        self.lines = KeyLines(source)
        self.problems: list[RuleProblem] = []

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(RuleProblem(self.file, self.lines.line_of(path), message))

    def route(self, tree: str, data: Any, path: tuple[Any, ...], parent: Route | None) -> Route | None:
        if not isinstance(data, dict):
            self.problem(path, "a route must be a table")
            return None
        for key in sorted(set(data) - ROUTE_KEYS):
            self.problem(path + (key,), f"unknown key {key!r} in a route (one of {', '.join(sorted(ROUTE_KEYS))})")
        if parent is None and "match" in data:
            self.problem(path + ("match",), "the top route matches everything: it takes no 'match'")
        match = self._table(data.get("match", {}), path + ("match",), MATCHERS[tree])
        filters = self._table(data.get("partnerships", {}), path + ("partnerships",),
                              PARTNERSHIP_FILTERS if tree == "publications" else {})
        receivers = self._receivers(tree, data, path)
        flags = {}
        for key in ("onward", "continue"):
            if key in data and not isinstance(data[key], bool):
                self.problem(path + (key,), f"{key!r} must be true or false")
            flags[key] = bool(data.get(key, False)) if isinstance(data.get(key, False), bool) else False
        if flags["onward"] and tree != "publications":
            self.problem(path + ("onward",), "'onward' is for publication routes")
        name = data.get("name", "top" if parent is None else f"route at line {self.lines.line_of(path)}")
        if not isinstance(name, str):
            self.problem(path + ("name",), "'name' must be text")
            name = str(name)
        key_lines = {f"{table}.{key}": self.lines.line_of(path + (table, key))
                     for table in ("match", "partnerships") for key in (data.get(table) or {})
                     if isinstance(data.get(table), dict)}
        key_lines["receivers"] = self.lines.line_of(path + ("receivers",))
        route = Route(name=name, line=self.lines.line_of(path), file=self.file, key_lines=key_lines, match=match,
                      partnerships=(parent.partnerships if parent else {}) | filters,
                      receivers=receivers if receivers is not None else (parent.receivers if parent else ()),
                      onward=flags["onward"] or bool(parent and parent.onward), cont=flags["continue"])
        children = data.get("routes", [])
        if not isinstance(children, list):
            self.problem(path + ("routes",), "'routes' must be an array of tables ([[….routes]])")
            children = []
        built = [self.route(tree, child, path + ("routes", i), route) for i, child in enumerate(children)]
        return replace(route, routes=tuple(r for r in built if r is not None))

    def _table(self, data: Any, path: tuple[Any, ...], allowed: dict[str, Callable[[Any], str | None]]
               ) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.problem(path, f"{path[-1]!r} must be a table")
            return {}
        out = {}
        for key, value in data.items():
            check = allowed.get(key)
            if check is None:
                known = ", ".join(sorted(allowed)) or "nothing"
                self.problem(path + (key,), f"unknown key {key!r} in {path[-1]!r} (one of {known})")
            elif (error := check(value)) is not None:
                self.problem(path + (key,), f"{path[-1]}.{key} {error}")
            else:
                out[key] = _normal(value)
        return out

    def _receivers(self, tree: str, data: dict[str, Any], path: tuple[Any, ...]) -> tuple[str, ...] | None:
        if "receivers" not in data:
            return None
        value = data["receivers"]
        allowed = PUBLICATION_RECEIVERS if tree == "publications" else REPORT_RECEIVERS
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(path + ("receivers",), "'receivers' must be a list of words")
            return ()
        out = []
        for item in value:
            word = item.strip()
            if word.lower() in allowed:
                out.append(word.lower())
            elif tree == "reports" and word.lower().startswith(TEAM_PREFIX) and word[len(TEAM_PREFIX):].strip():
                out.append(TEAM_PREFIX + " ".join(word[len(TEAM_PREFIX):].split()))
            else:
                extra = ", team:NAME" if tree == "reports" else ""
                self.problem(path + ("receivers",), f"unknown receiver {item!r} (one of {', '.join(allowed)}{extra})")
        return tuple(out)


def read_file(path: Path) -> tuple[dict[str, Route], list[RuleProblem]]:
    """The trees one file defines (either may be missing), and its problems."""
    name = str(path)
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        return {}, [RuleProblem(name, 0, f"cannot read the rules file: {exc.strerror or exc}")]
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        return {}, [RuleProblem(name, line, f"not valid TOML: {str(exc).split(' (at line')[0]}")]
    reader = _Reader(name, source)
    for key in sorted(set(data) - set(TREES)):
        reader.problem((key,), f"unknown section {key!r} (one of {', '.join(TREES)})")
    trees = {}
    for tree in TREES:
        if tree in data:
            route = reader.route(tree, data[tree], (tree,), None)
            if route is not None:
                trees[tree] = route
    return trees, reader.problems


def _line_from_message(message: str) -> int:
    # Python before 3.14 puts the position only in the message text: "(at line 3, column 7)".
    marker = "at line "
    if marker in message:
        digits = message.split(marker, 1)[1].split(",")[0].strip(" )")
        if digits.isdigit():
            return int(digits)
    return 1


def load_rules(extra: str | Path | None = None, default: Path = DEFAULT_RULES) -> Ruleset:
    """The shipped rules with a deployment's file laid over them, or RulesInvalid listing every problem.

    A deployment's routes are tried before the shipped ones; its top-route settings replace the shipped.
    """
    trees, problems = read_file(default)
    files = [str(default)]
    if extra:
        own, own_problems = read_file(Path(extra))
        problems += own_problems
        files.append(str(extra))
        for tree, route in own.items():
            base = trees.get(tree)
            trees[tree] = route if base is None else replace(route, routes=route.routes + base.routes)
    for tree in TREES:
        if tree not in trees and not problems:
            problems.append(RuleProblem(files[-1], 1, f"no [{tree}] section in any rules file"))
    if problems:
        raise RulesInvalid(problems)
    return Ruleset(files=tuple(files), publications=trees["publications"], reports=trees["reports"])
