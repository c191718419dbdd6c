"""Hostile and broken messages over real SMTP: intake stays up, each is stored-and-marked or refused with a code."""
from __future__ import annotations

import base64
import smtplib
import socket
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import select

from engine.models import InboundMessage
from engine.services.people import add_person
from engine.settings import Settings
from tests.conftest import wait_until
from tests.harness.mail import messages_to
from tests.harness.running import Pep, start_pep

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
SENDER = "jane@crown-inn.example"
HELP = "help@pep.test"
MAX_BYTES = 1_000_000
REFUSAL_CODES = {500, 501, 550, 552, 554}


def _head(extra: str = "") -> bytes:
    return (f"From: Jane <{SENDER}>\r\nTo: {HELP}\r\nSubject: status\r\n{extra}").encode()


def deeply_nested(depth: int = 80) -> bytes:
    parts = b"STATUS\r\n"
    for level in range(depth):
        parts = (f"Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n".encode()
                 + b"Content-Type: text/plain\r\n\r\n" + parts if level == 0 else
                 f"Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n".encode() + parts)
        parts += f"\r\n--b{level}--\r\n".encode()
    return _head("MIME-Version: 1.0\r\n") + parts


def attachment_bomb(count: int = 2000) -> bytes:
    chunk = base64.b64encode(b"\0" * 150).decode()
    body = "".join(f"--x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
                   f"filename=\"f{n}.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{chunk}\r\n" for n in range(count))
    return _head("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n").rstrip(b"\r\n") \
        + b"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nSTATUS\r\n" + body.encode() + b"--x--\r\n"


def header_stuffed(count: int = 20000) -> bytes:
    return _head("".join(f"X-Stuff-{n}: {'a' * 20}\r\n" for n in range(count))) + b"\r\nSTATUS\r\n"


def eight_bit_headers() -> bytes:
    return (f"From: J\xe9r\xf4me \xff\xfe <{SENDER}>\r\nTo: {HELP}\r\nSubject: caf\xe9 \x80\x81\r\n\r\nSTATUS\r\n"
            ).encode("latin-1")


def wrong_charset() -> bytes:
    return _head("Content-Type: text/plain; charset=\"utf-16\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n") \
        + "DIGEST OFF \u00a3\u20ac\r\n".encode("cp1252")


def truncated() -> bytes:
    return _head("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"cut\"\r\n\r\n--cut\r\n"
                 "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nU1RBVFVT")


GENERATED = {
    "deeply_nested": deeply_nested(),
    "attachment_bomb": attachment_bomb(),
    "header_stuffed": header_stuffed(),
    "eight_bit_headers_generated": eight_bit_headers(),
    "wrong_charset_generated": wrong_charset(),
    "truncated_generated": truncated(),
    "nul_in_body": _head("\r\n").rstrip(b"\r\n") + b"\r\n\r\nSTA\x00TUS\r\n\x00\x00\x00\r\n",
    "nul_in_header": _head("X-Evil: a\x00b\r\n") + b"\r\nSTATUS\r\n",
    "only_a_blank_line": b"\r\n",
    "over_the_size_limit": _head("\r\n") + b"A" * (MAX_BYTES + 10) + b"\r\n",
}
SAMPLES = {p.stem: p.read_bytes() for p in sorted(HOSTILE.glob("*.eml"))} | GENERATED


@pytest.fixture
def hostile_pep(settings: Settings) -> Iterator[Pep]:
    pep = start_pep(settings.with_changes(max_message_bytes=MAX_BYTES))
    with pep.app.sessions() as session:
        add_person(session, pep.app.env, SENDER, "Jane Smith", "admin")
        session.commit()
    yield pep
    pep.stop()


def _send(port: int, raw: bytes) -> int:
    """The final SMTP reply code for `raw` (250 accepted, else the refusal)."""
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=20) as smtp:
            smtp.sendmail(SENDER, [HELP], raw)
        return 250
    except smtplib.SMTPDataError as exc:
        return exc.smtp_code
    except smtplib.SMTPSenderRefused as exc:
        return exc.smtp_code
    except smtplib.SMTPRecipientsRefused as exc:
        return next(iter(exc.recipients.values()))[0]


def _settled(pep: Pep, count: int) -> list[InboundMessage]:
    def settled() -> list[InboundMessage] | None:
        with pep.app.sessions() as session:
            rows = list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))
        return rows if len(rows) == count and all(r.status in ("done", "duplicate", "parked") for r in rows) else None
    return wait_until(settled, timeout=60)


def test_every_hostile_message_is_stored_and_marked_or_refused_and_intake_stays_up(hostile_pep: Pep) -> None:
    pep = hostile_pep
    # Given the hostile fixtures and generated ones (nesting, attachment bomb, header stuffing, NULs, size)
    # When each is sent to help@ over SMTP
    codes = {name: _send(pep.port, raw) for name, raw in SAMPLES.items()}
    # Then each was accepted or refused with a meaningful code; only the oversized one is refused for size
    assert set(codes.values()) <= {250} | REFUSAL_CODES, codes
    assert codes["over_the_size_limit"] == 552
    accepted = [name for name, code in codes.items() if code == 250]
    assert len(accepted) >= len(SAMPLES) - 3, codes
    # And every accepted one was stored whole and processed to an end, with its outcome or error recorded
    rows = _settled(pep, len(accepted))
    for row in rows:
        assert row.outcome or row.error, (row.id, row.status)
        assert row.status != "parked", (row.id, row.error)
    by_size = {r.size for r in rows}
    assert len(SAMPLES["header_stuffed"]) in by_size or any(abs(s - len(SAMPLES["header_stuffed"])) < 64 for s in by_size)
    # And intake and workers are still up: an ordinary STATUS is answered
    assert _send(pep.port, _head("Message-ID: <fine@crown-inn.example>\r\n") + b"\r\nSTATUS\r\n") == 250
    wait_until(lambda: [m for m in messages_to(pep.outbox, SENDER) if "You are Jane Smith" in m.as_string()])


def _smtp_session(port: int, data: bytes) -> list[bytes]:
    """Speak SMTP by hand (smtplib would repair line endings), sending `data` as the DATA section as-is."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        reader = sock.makefile("rb")
        replies = [reader.readline()]
        for command in (b"EHLO test\r\n", f"MAIL FROM:<{SENDER}>\r\n".encode(), f"RCPT TO:<{HELP}>\r\n".encode(),
                        b"DATA\r\n"):
            sock.sendall(command)
            line = reader.readline()
            while line[3:4] == b"-":
                line = reader.readline()
            replies.append(line)
        sock.sendall(data)
        replies.append(reader.readline())
        sock.sendall(b"QUIT\r\n")
        replies.append(reader.readline())
    return replies


@pytest.mark.parametrize("smuggle", [b"\n.\n", b"\r.\r", b"\n.\r\n", b"\r\n.\n"],
                         ids=["lf-dot-lf", "cr-dot-cr", "lf-dot-crlf", "crlf-dot-lf"])
def test_smuggled_line_endings_never_end_the_message_early(hostile_pep: Pep, smuggle: bytes) -> None:
    pep = hostile_pep
    # Given a message that hides a second SMTP transaction behind a non-standard end of data
    hidden = (f"MAIL FROM:<{SENDER}>\r\nRCPT TO:<{HELP}>\r\nDATA\r\n".encode() + _head("Message-ID: <smuggled@x>\r\n")
              + b"\r\nUNSUBSCRIBE\r\n")
    data = _head("Message-ID: <carrier@x>\r\n") + b"\r\nSTATUS" + smuggle + hidden + b"\r\n.\r\n"
    # When it is sent byte for byte
    replies = _smtp_session(pep.port, data)
    # Then exactly one message is accepted, holding the hidden transaction as data
    assert replies[5].startswith(b"250"), replies
    [row] = _settled(pep, 1)
    assert b"Message-ID: <smuggled@x>" in (row.raw or b"") and row.message_id_header == "carrier@x"
