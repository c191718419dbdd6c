"""Building the configured Transport from a PEP_OUTBOUND URL."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TypedDict, cast
from urllib.parse import parse_qs, unquote, urlsplit

from outbound.transport.base import Transport
from outbound.transport.maildir import MaildirTransport
from outbound.transport.ratelimit import RateLimits
from outbound.transport.settings import Security
from outbound.transport.smtp import SmtpTransport

_SCHEMES: dict[str, tuple[Security, int]] = {
    "smtp": ("starttls", 587),
    "smtps": ("tls", 465),
    "smtp+plain": ("none", 25),
}


class _PoolOptions(TypedDict, total=False):
    """The SmtpTransport keywords a URL's query string may set."""

    connections: int
    messages_per_connection: int
    timeout: float
    idle_timeout: float


_INT_OPTIONS = ("connections", "messages_per_connection")
_FLOAT_OPTIONS = ("timeout", "idle_timeout")
_EXAMPLES = "maildir:PATH, smtp://user:pass@host:587, smtps://host:465 or smtp+plain://host:25"


def transport_from_url(url: str, *, helo: str, connections: int | None = None,
                       rate_limit: RateLimits | None = None) -> Transport:
    """A Transport for ``url``; raise ValueError with a one-line reason if it is not usable.

    ``maildir:PATH`` (relative to the working directory or absolute);
    ``smtp://[user:pass@]host[:port]`` (STARTTLS when offered, port 587);
    ``smtps://…`` (implicit TLS, port 465); ``smtp+plain://host[:port]`` (no TLS, port 25).
    SMTP URLs take ``?connections=N&timeout=S&idle_timeout=S&messages_per_connection=N``;
    ``connections`` and ``rate_limit`` are the defaults from settings (the URL's option wins).
    """
    scheme, _colon, rest = url.partition(":")
    scheme = scheme.lower()
    if scheme == "maildir":
        path = _maildir_path(url, rest)
        try:
            return MaildirTransport(path)
        except OSError as error:
            raise ValueError(f"outbound URL {url!r}: cannot create the Maildir: {error.strerror or error}") from None
    if scheme in _SCHEMES:
        return _smtp_from_url(url, scheme, helo, connections, rate_limit)
    raise ValueError(f"outbound URL {_redacted(url)!r} is not one of {_EXAMPLES}")


def _maildir_path(url: str, rest: str) -> Path:
    path = rest
    if path.startswith("//"):
        # maildir:///srv/outbox is the URL spelling of an absolute path; a host is meaningless.
        if not path.startswith("///"):
            raise ValueError(f"outbound URL {url!r} names a host; write maildir:PATH or maildir:///ABSOLUTE/PATH")
        path = path[2:]
    if not path:
        raise ValueError(f"outbound URL {url!r} needs a path, like maildir:var/outbox or maildir:/srv/outbox")
    return Path(path)


def _smtp_from_url(url: str, scheme: str, helo: str, connections: int | None,
                   rate_limit: RateLimits | None) -> SmtpTransport:
    shown = _redacted(url)
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise ValueError(f"outbound URL {shown!r} cannot be read: {error}") from None
    try:
        port_given = parts.port
    except ValueError:
        raise ValueError(f"outbound URL {shown!r} has a port that is not a number from 1 to 65535") from None
    if not parts.hostname:
        raise ValueError(f"outbound URL {shown!r} names no host")
    if parts.path not in ("", "/"):
        raise ValueError(f"outbound URL {shown!r} has a path; an SMTP URL is only host, port and options")
    security, default_port = _SCHEMES[scheme]
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if (username is None) != (password is None):
        raise ValueError(f"outbound URL {shown!r} must give both user and password, or neither")
    options = _options(parts.query, shown)
    if connections is not None:
        options.setdefault("connections", connections)
    try:
        return SmtpTransport(
            parts.hostname,
            port_given or default_port,
            helo=helo,
            security=security,
            username=username,
            password=password,
            rate_limit=rate_limit,
            **options,
        )
    except ValueError as error:
        raise ValueError(f"outbound URL {shown!r}: {error}") from None


def _options(query: str, shown: str) -> _PoolOptions:
    options: dict[str, int | float] = {}
    known = _INT_OPTIONS + _FLOAT_OPTIONS
    for name, values in parse_qs(query, keep_blank_values=True).items():
        if name not in known:
            raise ValueError(f"outbound URL {shown!r} has an unknown option {name!r} (known: {', '.join(known)})")
        if len(values) != 1:
            raise ValueError(f"outbound URL {shown!r} gives {name} more than once")
        number = _positive_number(values[0], whole=name in _INT_OPTIONS)
        if number is None:
            kind = "a positive whole number" if name in _INT_OPTIONS else "a positive number"
            raise ValueError(f"outbound URL {shown!r}: {name} must be {kind}, not {values[0]!r}")
        options[name] = number
    return cast(_PoolOptions, options)  # every name was checked against `known` above


def _positive_number(text: str, *, whole: bool) -> int | float | None:
    try:
        number: int | float = int(text) if whole else float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) and number > 0 else None


def _redacted(url: str) -> str:
    """The URL with any password replaced, fit for an error message or a log."""
    try:
        parts = urlsplit(url) if "://" in url else None
    except ValueError:
        return url.split("@")[-1]  # unreadable: keep only what cannot hold a password
    if parts is None or parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
