"""Find the line each key of a TOML file was written on, for error messages that name the line.

tomllib (the standard library's reader) returns plain dicts and keeps no positions, and no
well-kept TOML reader for Python both validates strictly and reports key positions, so this
scans the source once: table headers (`[a.b]`, `[[a.b]]`, counting array-of-tables entries),
`key = value` lines and the keys of one-line inline tables. It only has to be good enough to
point at a line; the meaning of the file always comes from tomllib.
"""
from __future__ import annotations

import re

Path = tuple[str | int, ...]

_ARRAY = re.compile(r"^\[\[\s*([^\]]+?)\s*\]\]")
_TABLE = re.compile(r"^\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r'^((?:[A-Za-z0-9_-]+|"[^"]*")(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"))*)\s*=(.*)$')
_INLINE_KEY = re.compile(r'[{,]\s*([A-Za-z0-9_-]+|"[^"]*")\s*=')


def _split(dotted: str) -> list[str]:
    return [part.strip().strip('"') for part in re.findall(r'"[^"]*"|[^.]+', dotted)]


class KeyLines:
    """Line numbers by key path; a path with an array index names one `[[…]]` entry."""

    def __init__(self, source: str) -> None:
        self.lines: dict[Path, int] = {}
        self._arrays: dict[Path, int] = {}
        current: Path = ()
        for number, raw in enumerate(source.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if match := _ARRAY.match(line):
                base = self._resolve(_split(match[1])[:-1])
                path = base + (_split(match[1])[-1],)
                self._arrays[path] = self._arrays.get(path, -1) + 1
                current = path + (self._arrays[path],)
                self.lines.setdefault(current, number)
            elif match := _TABLE.match(line):
                current = self._resolve(_split(match[1]))
                self.lines.setdefault(current, number)
            elif match := _KEY.match(line):
                path = current + tuple(_split(match[1]))
                self.lines.setdefault(path, number)
                for inner in _INLINE_KEY.findall(match[2]):
                    self.lines.setdefault(path + (inner.strip('"'),), number)

    def _resolve(self, keys: list[str]) -> Path:
        path: Path = ()
        for key in keys:
            path = path + (key,)
            if path in self._arrays:
                path = path + (self._arrays[path],)
        return path

    def line_of(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor that was found; 1 when nothing was."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return 1
