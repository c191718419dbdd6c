"""The shipped table of given-name variants (Bill -> william), read once from nicknames.txt."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("nicknames.txt")


@lru_cache(maxsize=1)
def nickname_map() -> dict[str, str]:
    """Each short or pet form to its canonical name; a form listed under two names keeps the first."""
    mapping: dict[str, str] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        canonical, _, forms = line.partition(":")
        for form in forms.split():
            mapping.setdefault(form, canonical.strip())
    return mapping


def canonical_given(token: str) -> str:
    return nickname_map().get(token, token)
