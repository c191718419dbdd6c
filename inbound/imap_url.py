"""Read PEP_IMAP_URL: imap[s]://user:password@host[:port]/MAILBOX."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from engine.errors import InvalidInput


@dataclass(frozen=True)
class ImapTarget:
    """Where the mailbox is and how to log in; `ssl` means implicit TLS (imaps, port 993)."""

    host: str
    port: int
    ssl: bool
    user: str
    password: str
    folder: str

    @property
    def name(self) -> str:
        """The mailbox's identity for its cursor (no password)."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"


def parse_imap_url(url: str) -> ImapTarget:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise InvalidInput(f"PEP_IMAP_URL must start with imap:// or imaps://, not {url.split(':', 1)[0]!r}")
    if not parts.hostname or parts.username is None or parts.password is None:
        raise InvalidInput("PEP_IMAP_URL needs a user, a password and a host: imaps://user:pass@host/INBOX")
    secure = parts.scheme == "imaps"
    try:
        port = parts.port or (993 if secure else 143)
    except ValueError:
        raise InvalidInput("PEP_IMAP_URL has a port that is not a number") from None
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapTarget(parts.hostname, port, secure, unquote(parts.username), unquote(parts.password), folder)
