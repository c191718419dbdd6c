"""How to reach and log in to an SMTP server."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Literal

Security = Literal["starttls", "tls", "none"]
SECURITY_MODES: tuple[Security, ...] = ("starttls", "tls", "none")


@dataclass(frozen=True)
class SmtpSettings:
    """Everything needed to open one authenticated SMTP connection.

    ``security``: ``starttls`` upgrades when the server offers it (and refuses to send
    a password otherwise), ``tls`` is implicit TLS from the first byte (smtps), ``none``
    is plain text, meant for loopback.
    """

    host: str
    port: int
    helo: str
    security: Security = "starttls"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(f"security must be one of {', '.join(SECURITY_MODES)}, not {self.security!r}")
        if not self.helo or any(c.isspace() for c in self.helo):
            raise ValueError(f"the HELO name must be one word, like the host's domain name, not {self.helo!r}")
        if not 0 < self.port < 65536:
            raise ValueError(f"SMTP port must be between 1 and 65535, not {self.port}")
        if self.timeout <= 0:
            raise ValueError(f"SMTP timeout must be positive, not {self.timeout}")
        if (self.username is None) != (self.password is None):
            raise ValueError("SMTP username and password must be given together")

    def tls_context(self) -> ssl.SSLContext:
        """The TLS context to use: the one given, or the system's verifying default."""
        return self.ssl_context if self.ssl_context is not None else ssl.create_default_context()
