"""No Subject line carries personal data: every kind's subject renders from non-personal values only."""
from __future__ import annotations

from typing import Any

import pytest

from outbound.render import Renderer

from .conftest import SAMPLES_FILE, TEMPLATES_DIR  # noqa: F401 - the same samples the template tests use

# Values about a person (names, addresses) or written by one; see templates/README.md "Subjects".
PERSONAL = ("person_name", "recipient_name", "recipient_email", "invited_by", "understood", "contact", "reason",
            "next_step", "results")


def kinds() -> list[str]:
    return sorted({p.stem for p in TEMPLATES_DIR.glob("*.txt")})


@pytest.mark.parametrize("kind", kinds())
def test_the_subject_does_not_change_with_personal_values(renderer: Renderer, kind_samples: dict[str, Any],
                                                          kind: str) -> None:
    # Given a kind's sample values, and the same values with every personal one replaced
    values = dict(kind_samples[kind]) | {"recipient_name": "Priya Shah", "recipient_email": "priya@pub.example"}
    changed = {k: ("Sentinel Zebediah" if isinstance(v, str) else [] if isinstance(v, list) else v)
               if k in PERSONAL else v for k, v in values.items()}
    # When both are rendered
    subject = renderer.render(kind, values).subject
    # Then the subject is the same and shows nothing personal
    assert renderer.render(kind, changed).subject == subject
    assert "Zebediah" not in renderer.render(kind, changed).subject
