"""Commands and keywords in a reply: case-insensitive, surrounded by any punctuation."""
from __future__ import annotations

import re

_WORDS = re.compile(r"[a-z0-9@.+_-]+(?:'[a-z]+)?")
_NEGATIONS = frozenset({"not", "don't", "dont", "disagree", "never", "cannot", "can't", "won't", "isn't"})


def first_line(text: str) -> str:
    """The first line with any letters or digits in it, trimmed."""
    for line in text.splitlines():
        if re.search(r"\w", line):
            return line.strip()
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
