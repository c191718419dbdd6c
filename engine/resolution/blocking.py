"""Blocking: only records that share a key are compared, so resolution is not n-squared."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

import jellyfish
import numpy as np

from engine.resolution.names import surname_candidates
from engine.resolution.record import Prepared

# A key shared by more records than this says nothing about identity ("John Smith" with no date of
# birth); such blocks are skipped rather than compared pair by pair.
MAX_BLOCK = 400


def _phonetic(word: str) -> str:
    return jellyfish.metaphone(word) or word


def blocking_keys(p: Prepared) -> set[str]:
    """Date of birth (day and month in either order); year of birth plus the sound of each possible
    family name and the given name's initial; day and month plus the sound of either name; and the
    sounds of the first and last words, in either order, for each name and alias."""
    keys: set[str] = set()
    born = p.record.born
    if born is not None:
        low, high = sorted((born.day, born.month))
        keys.add(f"d:{born.year}:{low}:{high}")
        # day and month with the sound of a name catches a slipped year, which the keys with a year miss
        for tokens in p.variants:
            keys.add(f"m:{low}:{high}:{_phonetic(tokens[0])}")
            keys.add(f"m:{low}:{high}:{_phonetic(tokens[-1])}")
            # year and month with the given name catches a slipped day and a misspelt family name
            keys.add(f"g:{born.year}:{born.month}:{_phonetic(tokens[0])}")
    years: Iterable[int] = ()
    if born is not None:
        years = (born.year,)
    elif p.record.birth_years is not None:
        years = range(p.record.birth_years[0], p.record.birth_years[1] + 1)
    for tokens in p.variants:
        sounds = sorted({_phonetic(tokens[0]), _phonetic(tokens[-1])})
        keys.add("n:" + "|".join(sounds))
        initial = tokens[0][0]  # nicknames are canonical already, so Bill and William share "w"
        for surname in surname_candidates(tokens):
            sound = _phonetic(surname)
            keys.update(f"y:{year}:{sound}:{initial}" for year in years)
    return keys


def candidate_pairs(prepared: list[Prepared]) -> Iterator[tuple[int, int]]:
    """Each pair of indexes into `prepared` that share a usable key, once, lower index first.

    The pairs of every block are made and de-duplicated as numpy arrays: a Python set of a million
    pairs costs more than scoring them.
    """
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, p in enumerate(prepared):
        for key in blocking_keys(p):
            blocks[key].append(index)
    triangles: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    firsts, seconds = [], []
    for members in blocks.values():
        size = len(members)
        if size < 2 or size > MAX_BLOCK:
            continue
        if size not in triangles:
            triangles[size] = np.triu_indices(size, k=1)
        left, right = triangles[size]
        ids = np.asarray(members, dtype=np.int64)
        firsts.append(ids[left])
        seconds.append(ids[right])
    if not firsts:
        return
    codes = np.unique(np.concatenate(firsts) * len(prepared) + np.concatenate(seconds))
    for a, b in zip(*np.divmod(codes, len(prepared))):
        yield int(a), int(b)
