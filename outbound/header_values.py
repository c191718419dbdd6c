"""Checks that make a value safe to place in a mail header: one line, well-formed, ASCII where required."""

from __future__ import annotations

import re

from outbound.branding import MAIL_DOMAIN

# C0 and C1 controls; str.split() below also takes care of U+2028/U+2029 and friends.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# RFC 5322 atext, used for local parts and message-id left parts (dots checked separately).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
_MESSAGE_ID = re.compile(rf"<({_ATEXT}(?:\.{_ATEXT})*)@([^\s<>@\x00-\x1f\x7f]+)>")


class HeaderValueError(ValueError):
    """A value that cannot be placed in a mail header as given."""


def single_line(value: str) -> str:
    """Collapse whitespace, Unicode line separators and control characters to single spaces."""
    return " ".join(_CONTROL.sub(" ", value).split())


def checked_domain(domain: str, what: str = "domain") -> str:
    """The domain unchanged if it is a plain ASCII mail domain."""
    if not isinstance(domain, str) or not MAIL_DOMAIN.fullmatch(domain):
        raise HeaderValueError(f"{what} is not a valid mail domain: {domain!r}")
    return domain


def checked_address(address: str, what: str = "address") -> str:
    """The address unchanged if it is a plain `local@domain` (dot-atom local part, ASCII)."""
    if not isinstance(address, str):
        raise HeaderValueError(f"{what} must be text, not {type(address).__name__}")
    local, at, domain = address.rpartition("@")
    if not at or not _DOT_ATOM.fullmatch(local) or not MAIL_DOMAIN.fullmatch(domain):
        raise HeaderValueError(f"{what} is not a plain email address: {address!r}")
    return address


def checked_message_id(message_id: str, what: str = "message id") -> str:
    """The id unchanged if it has the `<left@right>` form of RFC 5322."""
    if not isinstance(message_id, str) or not _MESSAGE_ID.fullmatch(message_id):
        raise HeaderValueError(f"{what} must look like <unique@domain>, not {message_id!r}")
    return message_id


def checked_dot_atom(value: str, what: str) -> str:
    """The value unchanged if it is an RFC 5322 dot-atom (letters, digits, a few symbols, dots)."""
    if not isinstance(value, str) or not _DOT_ATOM.fullmatch(value):
        raise HeaderValueError(f"{what} may only use letters, digits, dots and -_+=: {value!r}")
    return value
