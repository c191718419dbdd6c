"""SMTP clients that behave like sending mail servers: retry until their message is acknowledged."""
from __future__ import annotations

import smtplib
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Tally:
    """What the senders saw: messages acknowledged with 250, and connection troubles retried."""

    acknowledged: set[str] = field(default_factory=set)
    retries: int = 0
    gave_up: list[str] = field(default_factory=list)
    temporary_codes: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def send_until_acknowledged(port: int, messages: list[tuple[str, str, str, bytes]], tally: Tally,
                            deadline: float) -> None:
    """Send each (message id, from, to, bytes) until it gets 250, reconnecting after any failure."""
    smtp: smtplib.SMTP | None = None
    for message_id, sender, rcpt, data in messages:
        while True:
            if time.monotonic() > deadline:
                with tally.lock:
                    tally.gave_up.append(message_id)
                break
            try:
                if smtp is None:
                    smtp = smtplib.SMTP("127.0.0.1", port, timeout=10)
                smtp.sendmail(sender, [rcpt], data)
                with tally.lock:
                    tally.acknowledged.add(message_id)
                break
            except smtplib.SMTPResponseException as exc:
                with tally.lock:
                    tally.retries += 1
                    tally.temporary_codes[exc.smtp_code] = tally.temporary_codes.get(exc.smtp_code, 0) + 1
                if exc.smtp_code >= 500:
                    raise
                smtp = _drop(smtp)
                time.sleep(0.2)
            except (OSError, smtplib.SMTPException):
                with tally.lock:
                    tally.retries += 1
                smtp = _drop(smtp)
                time.sleep(0.2)
    _drop(smtp)


def _drop(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.close()
        except OSError:
            pass
    return None
