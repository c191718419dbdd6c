"""Commands and keywords in a reply: case-insensitive, surrounded by any punctuation."""
from __future__ import annotations

import re

_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NEGATIONS = frozenset({"not", "don't", "dont", "disagree", "never", "cannot", "can't", "won't", "isn't"})


_GREETING = re.compile(r"^(hi|hello|hey|dear|good (morning|afternoon|evening)|morning|afternoon|evening)\b",
                       re.IGNORECASE)


def first_line(text: str) -> str:
    """The first line with letters or digits in it, skipping a short greeting ("Hi,", "Dear Sir")."""
    for line in text.splitlines():
        clean = line.strip()
        if not re.search(r"\w", clean):
            continue
        if _GREETING.match(clean) and len(clean.split()) <= 4:
            continue
        return clean
    return ""


def words(line: str) -> list[str]:
    return _WORDS.findall(line.lower())


def says(text: str, phrase: str) -> bool:
    """Whether the first meaningful line contains `phrase` as whole words and is not a negation of it."""
    line = words(first_line(text))
    target = words(phrase)
    if not target:
        return False
    n = len(target)
    hit = any(line[i:i + n] == target for i in range(len(line) - n + 1))
    return hit and not (_NEGATIONS & set(line))


def says_i_agree(text: str) -> bool:
    """`I agree`, `i AGREE.`, `Yes, I agree`: but not `I do not agree`."""
    return says(text, "I agree")
