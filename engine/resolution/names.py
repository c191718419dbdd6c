"""Name normalisation: case, diacritics, titles, hyphens, "Surname, Given" order and nicknames."""
from __future__ import annotations

import re
import unicodedata

from engine.resolution.nicknames import canonical_given

TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lady", "lord", "rev", "prof",
                    "master", "jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii"})
_APOSTROPHES = re.compile(r"['\u2019`]")
_SEPARATORS = re.compile(r"[^a-z0-9,]+")


def fold(text: str) -> str:
    """Lower case, diacritics removed (Zoë -> zoe), apostrophes dropped (O'Brien -> obrien)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _APOSTROPHES.sub("", plain.lower())


def name_words(text: str) -> tuple[str, ...]:
    """The words of a name in given-then-family order, titles removed, as written.

    Hyphens count as spaces, so "Smith-Jones" and "Smith Jones" agree.
    """
    folded = fold(text)
    if "," in folded:  # "SMITH, John" is the family name first
        family, _, given = folded.partition(",")
        folded = f"{given} {family}"
    return tuple(w for w in _SEPARATORS.sub(" ", folded.replace(",", " ")).split() if w not in TITLES)


def name_tokens(text: str, nicknames: bool = True) -> tuple[str, ...]:
    """`name_words` with nicknames made canonical (Bill -> william) unless `nicknames` is False."""
    words = name_words(text)
    return tuple(canonical_given(w) for w in words) if nicknames else words


def surname_candidates(tokens: tuple[str, ...]) -> set[str]:
    """Words that may be the family name: the last, and the last but one (the first half of
    "Smith-Jones", or a family name followed by a stray word). Names given the other way round are
    found by the keys that do not depend on word order."""
    return set(tokens[-2:]) if len(tokens) >= 3 else set(tokens[-1:])
