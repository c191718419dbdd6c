"""Sample finished messages for the transport tests."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP


def finished_message(subject: str = "Test alert", body: str = "Hello.\n") -> bytes:
    """A message as the composer hands it over: CRLF line endings, 7-bit safe headers."""
    message = EmailMessage(policy=SMTP)
    message["From"] = "PEP <alerts@pep.test>"
    message["To"] = "member@example.org"
    message["Subject"] = subject
    message.set_content(body)
    return message.as_bytes()
