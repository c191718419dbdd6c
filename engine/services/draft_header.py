"""Split an alert or publication email into its `Key: value` header block and its text (DESIGN §2)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

KEYS = ("audience", "area", "category", "expires", "reach", "kind", "when", "where")
_FIELD = re.compile(r"^\s*([A-Za-z][A-Za-z_-]*)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class Field:
    value: str
    line: int


@dataclass
class DraftText:
    """The header fields by key, the body after them, and problems as (line, message)."""

    fields: dict[str, Field] = field(default_factory=dict)
    body: str = ""
    problems: list[tuple[int, str]] = field(default_factory=list)


def split_draft(text: str) -> DraftText:
    """The block starts at the first non-blank line if it reads `Word: value`, and ends at a blank line."""
    lines = text.replace("\r\n", "\n").split("\n")
    draft = DraftText()
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    while index < len(lines) and lines[index].strip():
        match = _FIELD.match(lines[index])
        if match is None:
            break
        key, number = match[1].lower(), index + 1
        if key not in KEYS:
            draft.problems.append((number, f"unknown key {match[1]!r} (one of {', '.join(k.title() for k in KEYS)})"))
        elif key in draft.fields:
            draft.problems.append((number, f"{match[1]} is given twice (first on line {draft.fields[key].line})"))
        else:
            draft.fields[key] = Field(match[2], number)
        index += 1
    draft.body = "\n".join(lines[index:]).strip()
    return draft
