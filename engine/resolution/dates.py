"""How far two dates of birth, or a date and an age range, agree."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class BirthAgreement:
    """A named level of agreement, the points it adds to a score, and whether it rules a match out."""

    level: str
    points: float
    conflict: bool = False


EXACT = BirthAgreement("exact", 30)
TRANSPOSED = BirthAgreement("day and month transposed", 26)
DAY_SLIP = BirthAgreement("one slip in the day", 22)
YEAR_SLIP = BirthAgreement("one slip in the year", 22)
YEAR_AND_MONTH = BirthAgreement("year and month agree", 14)
YEAR_ONLY = BirthAgreement("year only", 10)
UNKNOWN = BirthAgreement("not known for both", 12)
AGE_FITS = BirthAgreement("fits the age range", 14)
AGE_CONFLICT = BirthAgreement("outside the age range", -30, conflict=True)
CONFLICT = BirthAgreement("disagree", -40, conflict=True)


def compare_births(a: date | None, b: date | None) -> BirthAgreement:
    if a is None or b is None:
        return UNKNOWN
    if a == b:
        return EXACT
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return TRANSPOSED
    if a.year == b.year and a.month == b.month:
        return DAY_SLIP if _one_slip(a.day, b.day) else YEAR_AND_MONTH
    if (a.month, a.day) == (b.month, b.day) and _one_slip(a.year, b.year):
        return YEAR_SLIP
    if a.year == b.year:
        return YEAR_ONLY
    return CONFLICT


def _one_slip(x: int, y: int) -> bool:
    """One keying error between two numbers: one apart, one digit different, or two digits swapped."""
    if abs(x - y) == 1:
        return True
    sx, sy = f"{x:02d}", f"{y:02d}"
    if len(sx) != len(sy):
        return False
    differ = [k for k in range(len(sx)) if sx[k] != sy[k]]
    return len(differ) == 1 or (len(differ) == 2 and differ[1] == differ[0] + 1
                                and sx[differ[0]] == sy[differ[1]] and sx[differ[1]] == sy[differ[0]])


def compare_birth_and_range(born: date | None, birth_years: tuple[int, int] | None) -> BirthAgreement:
    """A date of birth against the years of birth an age range allows (either may be missing)."""
    if born is None or birth_years is None:
        return UNKNOWN
    low, high = birth_years
    return AGE_FITS if low - 1 <= born.year <= high + 1 else AGE_CONFLICT


def could_be_one_person(a: date, b: date) -> bool:
    """Whether two dates of birth can belong to one person allowing for a slip: the same year, or one
    slip in the year with the same day and month (either way round)."""
    if a.year == b.year:
        return True
    return _one_slip(a.year, b.year) and (a.month, a.day) in ((b.month, b.day), (b.day, b.month))
