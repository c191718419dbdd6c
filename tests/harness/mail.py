"""Read what PEP sent (the Maildir outbox) and write to PEP as a person would (smtplib)."""
from __future__ import annotations

import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path


def outbox_messages(folder: Path) -> list[EmailMessage]:
    """Every message in the Maildir, oldest first."""
    new = folder / "new"
    if not new.is_dir():
        return []
    files = sorted(new.iterdir(), key=lambda p: (p.stat().st_mtime_ns, p.name))
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]  # type: ignore[misc]


def messages_to(folder: Path, address: str) -> list[EmailMessage]:
    return [m for m in outbox_messages(folder) if address.lower() in str(m["To"]).lower()]


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def reply_message(sender: str, to: str, text: str, subject: str = "Re: your message",
                  in_reply_to: str | None = None, extra: dict[str, str] | None = None) -> EmailMessage:
    """A reply as a mail client writes it: new text on top, the quoted original below."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "example.org")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    for key, value in (extra or {}).items():
        message[key] = value
    message.set_content(text)
    return message


def send(port: int, message: EmailMessage, mail_from: str | None = None, rcpt: list[str] | None = None) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message, from_addr=mail_from or str(message["From"]), to_addrs=rcpt or [str(message["To"])])
