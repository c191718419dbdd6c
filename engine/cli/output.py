"""Print listings as a table for people or one JSON array for programs."""
from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import Any, Sequence


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def emit(rows: Sequence[dict[str, Any]], as_json: bool, columns: Sequence[str] | None = None) -> None:
    """Rows as a JSON array (`--json`) or an aligned table."""
    if as_json:
        json.dump([{k: _plain(v) for k, v in row.items()} for row in rows], sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    if not rows:
        print("(none)")
        return
    cols = list(columns or rows[0].keys())
    cells = [[("" if row.get(c) is None else str(_plain(row.get(c)))) for c in cols] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip())
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
