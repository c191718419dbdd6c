"""What each of PEP's addresses is for, read from a recipient address."""
from __future__ import annotations

from dataclasses import dataclass

FIXED = ("incident", "intel", "alerts", "publish", "admin", "help")
TAGGED = ("reply", "bounces")


@dataclass(frozen=True)
class Recipient:
    """A PEP address: its kind and, for reply+/bounces+ addresses, the token."""

    kind: str
    token: str | None = None


def classify_recipient(address: str, domain: str) -> Recipient | None:
    """The kind of a PEP address at `domain`, or None when it is not one of PEP's."""
    local, at, addr_domain = address.strip().strip("<>").rpartition("@")
    if not at or addr_domain.lower() != domain.lower() or not local:
        return None
    local = local.lower()
    if local in FIXED:
        return Recipient(local)
    base, plus, tag = local.partition("+")
    if plus and base in TAGGED and tag:
        return Recipient(base, tag)
    return None
