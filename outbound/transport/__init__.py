"""Transports hand finished messages to the world: an SMTP relay or a Maildir."""

from outbound.transport.base import SendResult, Transport
from outbound.transport.factory import transport_from_url
from outbound.transport.maildir import MaildirTransport
from outbound.transport.ratelimit import RateLimiter, RateLimits
from outbound.transport.smtp import SmtpTransport

__all__ = [
    "MaildirTransport",
    "RateLimiter",
    "RateLimits",
    "SendResult",
    "SmtpTransport",
    "Transport",
    "transport_from_url",
]
