"""The email library's modern policy, remembering each header it has parsed for one message.

The standard `policy.default` builds a structured header object every time a header is read, and
the parser itself reads Content-Type again and again while it walks a message (about eighteen times
for an ordinary reply with an HTML twin); that re-parsing was most of the cost of reading a reply.
Values are identical, so the parsed object is reused. A policy is made per message, so no parsed header is
shared between messages or threads (only the header classes, which never change).
"""
from __future__ import annotations

from email.headerregistry import BaseHeader, HeaderRegistry
from email.policy import EmailPolicy
from typing import Any

_LIMIT = 512  # distinct (name, value) pairs remembered for one message; hostile messages stay bounded


class _Registry(HeaderRegistry):
    """The standard header registry, building each header class once rather than on every header parsed.

    The stdlib creates a fresh class (`type(...)`) per parsed header, a fifth of parsing a Content-Type.
    The classes depend only on the registry's fixed mapping, so one registry is shared by every policy:
    its memory holds one class per header kind (a few dozen at most) and is never changed once written.
    """

    def __init__(self) -> None:
        super().__init__()
        self._built: dict[type, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        kind = self.registry.get(name.lower(), self.default_class)
        built = self._built.get(kind)
        if built is None:
            built = self._built[kind] = super().__getitem__(name)
        return built


_REGISTRY = _Registry()


class MessagePolicy(EmailPolicy):
    """`policy.default` semantics, with parsed headers reused within one message."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        object.__setattr__(self, "_parsed", {})

    def header_fetch_parse(self, name: str, value: str) -> Any:
        parsed: dict[tuple[str, str], Any] = self._parsed  # type: ignore[attr-defined]
        key = (name.lower(), value)
        found = parsed.get(key)
        if found is None:
            found = super().header_fetch_parse(name, value)
            if len(parsed) < _LIMIT:
                parsed[key] = found
        return found


def message_policy() -> MessagePolicy:
    """A fresh policy for one message: `policy.default` plus the per-message header memory."""
    return MessagePolicy(header_factory=_REGISTRY)
