"""Turn subject rows into the records entity resolution works on."""
from __future__ import annotations

from datetime import date

from engine.models import Subject
from engine.resolution import Record


def birth_years(subject: Subject, today: date) -> tuple[int, int] | None:
    """The years of birth an age range allows (30-35 seen today: born 1991 to 1996)."""
    if subject.age_from is None:
        return None
    high_age = subject.age_to if subject.age_to is not None else subject.age_from
    return today.year - high_age - 1, today.year - subject.age_from


def as_record(subject: Subject, today: date) -> Record:
    return Record(id=subject.id, source=str(subject.partnership_id or "police"), name=subject.name,
                  aliases=tuple(str(a) for a in subject.aliases or ()), born=subject.date_of_birth,
                  birth_years=birth_years(subject, today))
