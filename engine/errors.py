"""The typed errors of PEP's use cases; the CLI and the mail handlers map them to answers."""
from __future__ import annotations


class PepError(Exception):
    """Something a person asked for that PEP will not do, with a message they can read."""


class InvalidInput(PepError):
    """The request does not parse or names something impossible (CLI exit status 2)."""


class NotFound(PepError):
    """The request names something that does not exist."""


class Conflict(PepError):
    """The request clashes with what already exists (a duplicate, a wrong state)."""


class NotPermitted(PepError):
    """The person asking may not do this."""
