"""Resolve records into people: block, score, link above the threshold, respect police decisions."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from engine.resolution.blocking import candidate_pairs
from engine.resolution.cluster import Clusters
from engine.resolution.record import Prepared, Record, prepare
from engine.resolution.score import quick_score, score_pair


@dataclass(frozen=True)
class Link:
    """Why two records are (or may be) the same person."""

    a: int
    b: int
    score: float
    reasons: tuple[str, ...]
    decided: str | None = None


@dataclass
class Resolution:
    """People (each a sorted list of record ids), the links that made them, and pairs to review."""

    people: list[list[int]]
    links: dict[int, list[Link]] = field(default_factory=dict)
    possible: list[Link] = field(default_factory=list)

    def person_of(self) -> dict[int, int]:
        return {rid: index for index, group in enumerate(self.people) for rid in group}


def resolve(records: Iterable[Record], link_score: float, possible_score: float,
            decisions: Iterable[tuple[int, int, str]] = ()) -> Resolution:
    """`decisions` are (a, b, "link" | "unlink") made by police; they win over any score."""
    prepared = [prepare(r) for r in records]
    index = {p.record.id: p for p in prepared}
    frequency = Counter(name for p in prepared for name in set(p.full))
    clusters = Clusters({p.record.id: p.record.born for p in prepared})
    explained: list[Link] = []
    decided: set[tuple[int, int]] = set()
    for a, b, decision in decisions:
        if a not in index or b not in index:
            continue  # one side is expired or not shared: the decision waits until both are visible
        decided.add((min(a, b), max(a, b)))
        if decision == "unlink":
            clusters.keep_apart(a, b)
    for a, b, decision in decisions:
        if decision == "link" and a in index and b in index and clusters.union(a, b, force=True):
            explained.append(Link(a, b, 100.0, ("confirmed by police",), "link"))
    scored: list[tuple[float, int, int]] = []
    for i, j in candidate_pairs(prepared):
        pa, pb = prepared[i], prepared[j]
        value = quick_score(pa, pb, frequency, possible_score)
        if value >= possible_score:
            scored.append((value, pa.record.id, pb.record.id))
    scored.sort(key=lambda item: -item[0])
    possible: list[Link] = []
    for value, a, b in scored:
        if (min(a, b), max(a, b)) in decided:
            continue
        if value >= link_score and clusters.union(a, b):
            explained.append(Link(a, b, value, score_pair(index[a], index[b], True, frequency).reasons))
        elif clusters.find(a) != clusters.find(b):
            possible.append(Link(a, b, value, score_pair(index[a], index[b], True, frequency).reasons))
    people = clusters.groups([p.record.id for p in prepared])
    result = Resolution(people=sorted(people, key=lambda g: g[0]))
    owner = result.person_of()
    for link in explained:
        result.links.setdefault(owner[link.a], []).append(link)
    result.possible = [p for p in possible if owner[p.a] != owner[p.b]]
    return result


def explain_pair(a: Record, b: Record) -> tuple[float, tuple[str, ...]]:
    """The score and reasons for one pair, as the dataview's `link` verb shows them."""
    result = score_pair(prepare(a), prepare(b), explain=True)
    return result.score, result.reasons


__all__ = ["Link", "Prepared", "Record", "Resolution", "explain_pair", "resolve"]
