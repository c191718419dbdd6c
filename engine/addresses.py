"""Email address normalisation: one spelling per person."""
from __future__ import annotations

import re

from engine.errors import InvalidInput

_ADDR = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")


def normalise_email(text: str) -> str:
    """The address lower-cased and checked; InvalidInput if it is not a plain mailbox address."""
    value = (text or "").strip().strip("<>").strip()
    if len(value) > 254 or not _ADDR.match(value) or ".." in value:
        raise InvalidInput(f"{text!r} is not an email address")
    local, _, domain = value.rpartition("@")
    if len(local) > 64:
        raise InvalidInput(f"{text!r} is not an email address")
    return f"{local}@{domain}".lower()
