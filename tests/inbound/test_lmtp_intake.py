"""LMTP intake (RFC 2033) over TCP and a Unix socket: one reply per accepted recipient after DATA."""
from __future__ import annotations

import smtplib
import tempfile
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import select

from engine.app import App, build_app
from engine.models import InboundMessage
from engine.runtime import Runtime
from engine.settings import Settings

RAW = b"From: sender@example.org\r\nTo: reply+abc@pep.test\r\nSubject: hi\r\nMessage-ID: <l1@example.org>\r\n\r\nHi\r\n"


@pytest.fixture(params=["tcp", "unix"])
def lmtp(request: pytest.FixtureRequest, settings: Settings, clock) -> Iterator[tuple[App, Runtime]]:
    if request.param == "tcp":
        listen = "127.0.0.1:0"
    else:
        # A short path of our own: Unix socket paths are limited to about 100 bytes.
        listen = str(Path(tempfile.mkdtemp(prefix="pep-lmtp-")) / "lmtp.sock")
    app = build_app(settings.with_changes(lmtp_listen=listen, max_message_bytes=4096), clock)
    runtime = Runtime(app, intake=False, workers=False, sweeper=False, lmtp=True).start()
    yield app, runtime
    runtime.stop()
    app.close()


def connect(runtime: Runtime) -> smtplib.LMTP:
    assert runtime.lmtp is not None
    if runtime.lmtp.unix_path:
        return smtplib.LMTP(runtime.lmtp.unix_path, timeout=10)
    return smtplib.LMTP("127.0.0.1", runtime.lmtp.port, timeout=10)


def test_each_accepted_recipient_gets_its_own_reply(lmtp: tuple[App, Runtime]) -> None:
    app, runtime = lmtp
    with connect(runtime) as client:
        client.ehlo_or_helo_if_needed()
        assert client.mail("sender@example.org")[0] == 250
        # Given a transaction with two PEP addresses and two refused ones (not ours, not PEP's)
        codes = [client.rcpt(r)[0] for r in ("reply+abc@pep.test", "nobody@pep.test", "bounces+t1@pep.test",
                                            "chair@elsewhere.example")]
        assert codes == [250, 550, 250, 550]
        # When the message is sent, Then one reply comes for each accepted recipient, in order
        first = client.data(RAW)
        second = client.getreply()
        assert first[0] == 250 and second[0] == 250
        # And the connection is in step: a new transaction works
        assert client.noop()[0] == 250
    # And one row per accepted recipient is stored, from LMTP
    with app.sessions() as session:
        stored = list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))
    assert sorted(r.rcpt_to for r in stored) == ["bounces+t1@pep.test", "reply+abc@pep.test"]
    assert {r.source for r in stored} == {"lmtp"}


def test_a_too_big_message_is_refused_once_per_recipient(lmtp: tuple[App, Runtime]) -> None:
    app, runtime = lmtp
    big = RAW + b"\r\n".join([b"x" * 70] * 80)
    with connect(runtime) as client:
        client.ehlo_or_helo_if_needed()
        client.mail("sender@example.org")
        client.rcpt("reply+abc@pep.test")
        client.rcpt(f"reply+{uuid.uuid4().hex[:6]}@pep.test")
        # When the message exceeds PEP_MAX_MESSAGE_BYTES, Then each recipient is told 552
        assert client.data(big)[0] == 552
        assert client.getreply()[0] == 552
        assert client.noop()[0] == 250
    with app.sessions() as session:
        assert session.scalar(select(InboundMessage.id)) is None


def test_lhlo_is_required_and_helo_refused(lmtp: tuple[App, Runtime]) -> None:
    _app, runtime = lmtp
    with connect(runtime) as client:
        # Given an LMTP session, When the client says HELO, Then it is refused; LHLO works
        assert client.helo("client.example")[0] == 500
        assert client.ehlo("client.example")[0] == 250
