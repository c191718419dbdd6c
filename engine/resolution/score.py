"""Score a pair of records: RapidFuzz on normalised names plus date-of-birth agreement, with reasons."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from rapidfuzz.distance import Indel

from engine.resolution.dates import UNKNOWN, BirthAgreement, compare_birth_and_range, compare_births
from engine.resolution.record import Prepared

NAME_WEIGHT = 0.7
# A name (after normalisation) that few records carry is evidence in itself: two records of "Ciarán
# Achterberg" are likelier one person than two records of "John Smith" (the Fellegi-Sunter insight).
# Without a date of birth on both sides it tips only an identical name carried by very few records.
RARE_NAME_RECORDS = 12
RARE_NAME_POINTS = 6.0
RARE_NAME_MIN_SIMILARITY = 90.0
UNKNOWN_BIRTH_RARE_RECORDS = 3


@dataclass(frozen=True)
class PairScore:
    """0-100 (a clear conflict may push it below 0), and the reasons a person can read."""

    score: float
    reasons: tuple[str, ...] = field(default=())


def _ratio(a: str, b: str) -> float:
    # Indel normalized similarity is RapidFuzz's fuzz.ratio without the wrapper's per-call overhead.
    return 100.0 * Indel.normalized_similarity(a, b)


def name_similarity(a: Prepared, i: int, b: Prepared, j: int) -> float:
    """The best of: the words in order, the words sorted, first-and-last only; 100 when every word of
    a name of two or more words appears in the other (a middle name or half a double-barrel missing)."""
    if a.full[i] == b.full[j]:
        return 100.0
    wa, wb = a.words[i], b.words[j]
    if min(len(wa), len(wb)) >= 2 and (wa <= wb or wb <= wa):
        return 100.0
    return max(_ratio(a.ordered[i], b.ordered[j]), _ratio(a.full[i], b.full[j]), _ratio(a.short[i], b.short[j]))


def best_name(a: Prepared, b: Prepared) -> tuple[float, int, int]:
    """The best similarity over every name and alias of each, and which variants gave it."""
    best, which = -1.0, (0, 0)
    for i in range(len(a.full)):
        for j in range(len(b.full)):
            value = name_similarity(a, i, b, j)
            if value > best:
                best, which = value, (i, j)
                if best == 100.0:
                    return best, i, j
    return best, which[0], which[1]


def _birth(a: Prepared, b: Prepared) -> BirthAgreement:
    ra, rb = a.record, b.record
    if ra.born is not None and rb.born is not None:
        return compare_births(ra.born, rb.born)
    if ra.born is not None:
        return compare_birth_and_range(ra.born, rb.birth_years)
    if rb.born is not None:
        return compare_birth_and_range(rb.born, ra.birth_years)
    return UNKNOWN


def quick_score(a: Prepared, b: Prepared, frequency: Mapping[str, int], floor: float) -> float:
    """`score_pair(...).score` without the reasons, for the hot loop; a pair that cannot reach
    `floor` whatever its names returns early with an upper bound below it."""
    birth = _birth(a, b)
    if NAME_WEIGHT * 100.0 + birth.points + RARE_NAME_POINTS < floor or not a.full or not b.full:
        return NAME_WEIGHT * 100.0 + birth.points
    return score_pair(a, b, False, frequency, birth).score


def score_pair(a: Prepared, b: Prepared, explain: bool = False,
               frequency: Mapping[str, int] | None = None, birth: BirthAgreement | None = None) -> PairScore:
    """Name similarity (weighted 0.7) plus date-of-birth points (up to 30), plus a little when the
    name agrees and is rare among the records (`frequency`: records per normalised name)."""
    if not a.full or not b.full:
        return PairScore(0.0, ("no usable name",))
    birth = birth or _birth(a, b)
    name, i, j = best_name(a, b)
    rare = 0.0
    if frequency is not None and name >= RARE_NAME_MIN_SIMILARITY and not birth.conflict:
        seen = min(frequency.get(a.full[i], 0), frequency.get(b.full[j], 0))
        if birth is UNKNOWN:  # with no dates to go on, only the same name, and a very rare one, will do
            rare = RARE_NAME_POINTS if name == 100.0 and seen <= UNKNOWN_BIRTH_RARE_RECORDS else 0.0
        else:
            rare = RARE_NAME_POINTS if seen <= RARE_NAME_RECORDS else 0.0
    total = round(NAME_WEIGHT * name + birth.points + rare, 1)
    if not explain:
        return PairScore(total)
    reasons = [f"names agree {name:.0f}/100 ({_label(a, i)} ~ {_label(b, j)})", f"date of birth: {birth.level}"]
    if rare:
        reasons.append("the name is uncommon among the records")
    reasons.append(f"score {total:.1f}")
    return PairScore(total, tuple(reasons))


def _label(p: Prepared, index: int) -> str:
    text = p.names[index]
    return text if text == p.record.name else f"alias {text}"
