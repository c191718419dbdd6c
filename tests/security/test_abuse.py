"""Abuse at intake: floods get 451 past the rate limits, huge envelopes and messages cost a bounded amount."""
from __future__ import annotations

import base64
import io
import smtplib
import zipfile
from typing import Iterator

import pytest
from sqlalchemy import func, select

from engine.models import InboundMessage
from engine.services.people import add_person
from engine.settings import Settings
from inbound import smtp_codes
from inbound.limits import ParseLimits
from inbound.parse import parse_message
from inbound.rate_limit import IntakeRateLimits, RateSettings, SlidingWindow
from tests.conftest import wait_until
from tests.harness.mail import messages_to, reply_message, send
from tests.harness.running import Pep, start_pep
from tests.security.conftest import processed

FLOODER = "flood@spam.example"
HELP = "help@pep.test"


def test_a_sliding_window_forgets_events_older_than_the_window() -> None:
    # Given a window of 3 events per 10 seconds
    window = SlidingWindow(limit=3, window=10)
    for at in (0.0, 1.0, 2.0):
        window.add("k", at)
    # Then a fourth is refused within the window, and allowed once the first event has left it
    assert window.full("k", 5.0) and not window.full("other", 5.0)
    assert not window.full("k", 10.5)


@pytest.mark.parametrize("limits, calls, admitted", [
    (RateSettings(per_sender=2), [("a@x", "1.1.1.1")] * 3 + [("b@x", "1.1.1.1")], [True, True, False, True]),
    (RateSettings(per_client=2), [("a@x", "1.1.1.1"), ("b@x", "1.1.1.1"), ("c@x", "1.1.1.1"), ("c@x", "2.2.2.2")],
     [True, True, False, True]),
    (RateSettings(overall=2), [("a@x", "1"), ("b@x", "2"), ("c@x", "3")], [True, True, False]),
    # The null sender (bounces) is not one sender: only client and overall limits count it
    (RateSettings(per_sender=1), [("", "1"), ("", "2"), ("", "3")], [True, True, True]),
    # A refused message is not counted: the sender is not locked out for longer by retrying
    (RateSettings(per_sender=1, per_client=5), [("a@x", "1")] * 4 + [("b@x", "1")], [True, False, False, False, True]),
])
def test_limits_table(limits: RateSettings, calls: list[tuple[str, str]], admitted: list[bool]) -> None:
    # Given limits and a fixed time, When messages arrive, Then each is admitted or not as listed
    checker = IntakeRateLimits(limits, now=lambda: 100.0)
    assert [checker.admit(sender, ip) for sender, ip in calls] == admitted


@pytest.fixture
def limited_pep(settings: Settings) -> Iterator[Pep]:
    running = start_pep(settings.with_changes(intake_rate_per_sender=5, intake_rate_global=12,
                                              intake_rate_window_seconds=600))
    yield running
    running.stop()


def _raw(sender: str, n: int) -> bytes:
    return (f"From: {sender}\r\nTo: {HELP}\r\nSubject: flood {n}\r\nMessage-ID: <f{n}.{sender}>\r\n\r\n"
            "STATUS\r\n").encode()


def _send_many(port: int, sender: str, count: int) -> list[int]:
    codes = []
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for n in range(count):
            try:
                smtp.sendmail(sender, [HELP], _raw(sender, n))
                codes.append(250)
            except smtplib.SMTPDataError as exc:
                codes.append(exc.smtp_code)
                assert exc.smtp_error.decode().startswith(smtp_codes.RATE_LIMITED[4:])
    return codes


def test_a_sender_flooding_help_gets_451_past_the_limits_and_others_still_get_through(limited_pep: Pep) -> None:
    pep = limited_pep
    # When one sender sends 8 messages over one connection
    codes = _send_many(pep.port, FLOODER, 8)
    # Then the first 5 are stored and the rest are answered 451 (try later): nothing was stored for them
    assert codes == [250] * 5 + [451] * 3
    # And another sender still gets through, until the overall limit (12) is reached
    assert _send_many(pep.port, "second@spam.example", 5) == [250] * 5
    assert _send_many(pep.port, "third@spam.example", 4) == [250, 250, 451, 451]
    with pep.app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 12


def test_a_hundred_recipient_envelope_is_capped_at_the_recipient_limit(pep: Pep) -> None:
    # When a client names 100 recipients in one envelope
    with smtplib.SMTP("127.0.0.1", pep.port, timeout=10) as smtp:
        smtp.ehlo()
        smtp.mail(FLOODER)
        replies = [smtp.rcpt(HELP)[0] for _ in range(100)]
        code, _ = smtp.data(_raw(FLOODER, 1))
    # Then 20 are accepted and 80 refused with 452, and the message is stored once per accepted recipient
    assert replies.count(250) == 20 and replies.count(452) == 80 and code == 250
    rows = processed(pep, 20)
    assert len(rows) == 20 and sum(r.status == "duplicate" for r in rows) == 19


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner.bin", b"\0" * (200 * 1024 * 1024))  # 200 MB that deflate to ~200 KB
    return buffer.getvalue()


def _many_parts(count: int) -> bytes:
    parts = "".join(f"--p\r\nContent-Type: text/plain\r\n\r\npart {n}\r\n" for n in range(count))
    return (f"From: {FLOODER}\r\nTo: {HELP}\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n--p\r\nContent-Type: text/plain\r\n\r\nSTATUS\r\n"
            f"{parts}--p--\r\n").encode()


def test_a_zip_bomb_and_ten_thousand_parts_cost_little_and_the_service_stays_up(pep: Pep) -> None:
    with pep.app.sessions() as session:
        add_person(session, pep.app.env, "keeper@shop.example", "Shop Keeper", "admin")
        session.commit()
    bomb = _zip_bomb()
    message = reply_message("keeper@shop.example", HELP, "STATUS")
    message.add_attachment(bomb, maintype="application", subtype="zip", filename="invoice.zip")
    # When a zip bomb and a 10,000-part message arrive
    send(pep.port, message)
    with smtplib.SMTP("127.0.0.1", pep.port, timeout=30) as smtp:
        smtp.sendmail("keeper@shop.example", [HELP], _many_parts(10_000).replace(FLOODER.encode(),
                                                                                   b"keeper@shop.example"))
    rows = processed(pep, 2)
    # Then both are stored as received (the archive never expanded: the raw message is its compressed size)
    assert len(rows[0].raw or b"") < len(base64.b64encode(bomb)) + 10_000
    assert all(r.status == "done" for r in rows), [r.outcome for r in rows]
    # And parsing stopped at the part limit (ParseLimits.max_parts) instead of walking all 10,000 parts
    parsed = parse_message(rows[1].raw or b"", ParseLimits())
    assert any("MIME parts; the rest ignored" in error for error in parsed.errors)
    # And PEP still answers the next ordinary message
    send(pep.port, reply_message("keeper@shop.example", HELP, "STATUS", subject="after"))
    wait_until(lambda: len(messages_to(pep.outbox, "keeper@shop.example")) >= 2)
