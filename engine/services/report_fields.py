"""A report's text read as DESIGN §2 says: optional `When:`, `Where:`, `Who:` lines, then the description."""
from __future__ import annotations

import re
from dataclasses import dataclass

_FIELD = re.compile(r"^\s*(when|where|who)\s*:\s*(.*)$", re.I)
_SIGN_OFF = re.compile(r"^(thanks|thank you|many thanks|regards|kind regards|best regards|best wishes|best|cheers|"
                       r"sent from my \w+|yours( sincerely| faithfully)?|warm regards)\b[\s,.!]*$", re.I)


@dataclass(frozen=True)
class ReportFields:
    """What the reporter wrote, split into the three fields and the rest."""

    when: str = ""
    where: str = ""
    who: str = ""
    description: str = ""


def read_fields(text: str) -> ReportFields:
    """Field lines anywhere in the leading block (blank lines before it allowed); everything else describes."""
    values: dict[str, str] = {}
    rest: list[str] = []
    lines = text.strip().splitlines()
    in_block = True
    for line in lines:
        found = _FIELD.match(line) if in_block else None
        if found and found.group(1).lower() not in values:
            values[found.group(1).lower()] = found.group(2).strip()
            continue
        if line.strip():
            in_block = False
        rest.append(line)
    return ReportFields(when=values.get("when", ""), where=values.get("where", ""), who=values.get("who", ""),
                        description="\n".join(rest).strip())


def only_sign_off(text: str) -> bool:
    """True when the text is just a closing and a name (the signature trimmer leaves "Thanks,\\nJohn")."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines or len(lines) > 4 or not _SIGN_OFF.match(lines[0]):
        return False
    return all(len(line) <= 60 for line in lines[1:])
