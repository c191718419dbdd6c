"""The records resolution works on, and their prepared (normalised) form."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from engine.resolution.names import name_words
from engine.resolution.nicknames import canonical_given


@dataclass(frozen=True)
class Record:
    """One subject as a partnership (or police) recorded it."""

    id: int
    source: str
    name: str
    aliases: tuple[str, ...] = ()
    born: date | None = None
    birth_years: tuple[int, int] | None = None


@dataclass
class Prepared:
    """A record's names as token tuples (the name first, then each alias, then the same as written
    where a nickname was made canonical) and the strings compared."""

    record: Record
    variants: list[tuple[str, ...]] = field(default_factory=list)
    ordered: list[str] = field(default_factory=list)
    full: list[str] = field(default_factory=list)
    short: list[str] = field(default_factory=list)
    words: list[frozenset[str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def prepare(record: Record) -> Prepared:
    """Normalise every name once. `ordered` keeps given-then-family order (a typo in a word still
    lines up), `full` sorts the words so swapped order compares equal, `short` keeps the first and
    last words so a missing middle name costs little, `words` lets a name inside a longer one agree."""
    prepared = Prepared(record)
    seen: set[tuple[str, ...]] = set()
    for text in (record.name, *record.aliases):
        # the name as written too: a typo in a nickname ("Jakc") is nearer "Jack" than "John"
        written = name_words(text)
        for tokens in (tuple(canonical_given(w) for w in written), written):
            if not tokens or tokens in seen:
                continue
            seen.add(tokens)
            prepared.variants.append(tokens)
            prepared.names.append(text)
            prepared.ordered.append(" ".join(tokens))
            prepared.full.append(" ".join(sorted(tokens)))
            prepared.short.append(" ".join(sorted((tokens[0], tokens[-1]))))
            prepared.words.append(frozenset(tokens))
    return prepared
