"""Where a report happened: a `Where:` value (or the text) matched against the area tree's names."""
from __future__ import annotations

import re
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Area


def find_area_in(session: Session, text: str, areas: Iterable[Area] | None = None) -> Area | None:
    """The area whose name the text is or contains (as whole words); the deepest, then longest, name wins.

    `areas`: every area, when the caller has loaded them already.
    """
    wanted = " ".join(text.lower().split())
    if not wanted:
        return None
    areas = list(session.scalars(select(Area)) if areas is None else areas)
    exact = [a for a in areas if a.name.lower() == wanted]
    if exact:
        return exact[0]
    inside = [a for a in areas if re.search(rf"(?<!\w){re.escape(a.name.lower())}(?!\w)", wanted)]
    if not inside:
        return None
    return max(inside, key=lambda a: (a.path.count("/"), len(a.name)))
