"""The national 3x5x2 intelligence grading: source 1-3, assessment A-E, handling P or C, read from `2B P`."""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.errors import InvalidInput

_GRADING = re.compile(r"^\s*(?:grade\s*[:\-]?\s*)?([123])\s*([a-e])\s*[,/]?\s*([pc])\s*[.!]?\s*$", re.I)


@dataclass(frozen=True)
class Grading:
    """One 3x5x2 grading."""

    source: str
    assessment: str
    handling: str

    def __str__(self) -> str:
        return f"{self.source}{self.assessment} {self.handling}"


def parse_grading(text: str, where: str = "the grading") -> Grading:
    """`2B P`, `GRADE 2b p`, `grade: 3E/C` → Grading; anything else is InvalidInput naming the form."""
    found = _GRADING.match(text)
    if found is None:
        raise InvalidInput(f"{where} {text.strip()!r} is not a 3x5x2 grading: write source 1-3, "
                           "assessment A-E and handling P or C, e.g. GRADE 2B P")
    source, assessment, handling = found.groups()
    return Grading(source, assessment.upper(), handling.upper())


def is_grade_command(line: str) -> bool:
    return line.strip().lower().startswith("grade")
