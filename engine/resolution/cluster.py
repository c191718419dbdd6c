"""Union-find with cannot-link constraints: links join people unless a decision says they differ, or
their dates of birth cannot both be right."""
from __future__ import annotations

from datetime import date
from typing import Mapping

from engine.resolution.dates import could_be_one_person


class Clusters:
    """Disjoint sets over record ids; `apart` holds, per root, the ids its set must never join."""

    def __init__(self, births: Mapping[int, date | None] | None = None) -> None:
        self._parent: dict[int, int] = {}
        self._apart: dict[int, set[int]] = {}
        # Per root, the dates of birth its records give. Without this one record with no date links
        # "John Kemp 1980" and "John Kemp 1995" through itself, and the chain makes one person of two.
        self._births: dict[int, set[date]] = {k: {v} for k, v in (births or {}).items() if v is not None}

    def find(self, x: int) -> int:
        parent = self._parent
        root = parent.setdefault(x, x)
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression keeps later finds short
            parent[x], x = root, parent[x]
        return root

    def keep_apart(self, a: int, b: int) -> None:
        self._apart.setdefault(self.find(a), set()).add(b)
        self._apart.setdefault(self.find(b), set()).add(a)

    def _forbidden(self, ra: int, rb: int, force: bool) -> bool:
        births_a, births_b = self._births.get(ra, ()), self._births.get(rb, ())
        if not force and not all(could_be_one_person(x, y) for x in births_a for y in births_b):
            return True
        for root, other in ((ra, rb), (rb, ra)):
            for member in self._apart.get(root, ()):
                if self.find(member) == other:
                    return True
        return False

    def union(self, a: int, b: int, force: bool = False) -> bool:
        """Join the sets of a and b; False (and nothing joined) when a decision keeps them apart or
        (unless `force`, for a police decision) their dates of birth conflict."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self._forbidden(ra, rb, force):
            return False
        self._parent[rb] = ra
        if rb in self._apart:
            self._apart.setdefault(ra, set()).update(self._apart.pop(rb))
        if rb in self._births:
            self._births.setdefault(ra, set()).update(self._births.pop(rb))
        return True

    def groups(self, ids: list[int]) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for x in ids:
            found.setdefault(self.find(x), []).append(x)
        return [sorted(g) for g in found.values()]
