"""SMTP intake through real sockets: STARTTLS, SIZE and 552, 451 when the database is down, dedupe."""
from __future__ import annotations

import smtplib
import ssl
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest
import trustme
from sqlalchemy import create_engine, select, text

from engine.app import App, build_app
from engine.models import InboundMessage
from engine.runtime import Runtime
from engine.settings import Settings
from tests.conftest import wait_until
from tests.harness.databases import PostgresDatabase
from tests.harness.running import Pep
from tests.harness.services import PG_ADMIN_URL, require_postgres

RCPT = "reply+abc@pep.test"


def raw_message(body: str = "Hello", message_id: str | None = None) -> bytes:
    mid = message_id or f"<{uuid.uuid4().hex}@example.org>"
    return (f"From: sender@example.org\r\nTo: {RCPT}\r\nSubject: hello\r\nMessage-ID: {mid}\r\n\r\n"
            f"{body}\r\n").encode()


def rows(app: App) -> list[InboundMessage]:
    with app.sessions() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


@pytest.fixture
def intake(app: App) -> Iterator[Runtime]:
    """SMTP intake alone (no workers): what is stored stays as it arrived."""
    runtime = Runtime(app, intake=True, workers=False, sweeper=False).start()
    yield runtime
    runtime.stop()


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


def test_starttls_is_offered_with_a_certificate_and_mail_is_stored_over_it(
        settings: Settings, clock, tmp_path: Path, authority: trustme.CA) -> None:
    # Given a certificate for the intake's host name, configured as PEP_TLS_CERT / PEP_TLS_KEY
    cert = authority.issue_cert("127.0.0.1", "pep.test")
    cert.private_key_pem.write_to_path(tmp_path / "key.pem")
    cert.cert_chain_pems[0].write_to_path(tmp_path / "cert.pem")
    app = build_app(settings.with_changes(tls_cert=str(tmp_path / "cert.pem"), tls_key=str(tmp_path / "key.pem")),
                    clock)
    runtime = Runtime(app, intake=True, workers=False, sweeper=False).start()
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    try:
        assert runtime.intake is not None
        with smtplib.SMTP("127.0.0.1", runtime.intake.port, timeout=10) as smtp:
            # When a client asks, Then STARTTLS is advertised and the handshake verifies against the CA
            smtp.ehlo()
            assert smtp.has_extn("starttls")
            smtp.starttls(context=client_context)
            smtp.ehlo()
            assert smtp.sock is not None and smtp.sock.version() in ("TLSv1.2", "TLSv1.3")
            # And a message sent over the encrypted channel is stored
            refused = smtp.sendmail("sender@example.org", [RCPT], raw_message())
        assert refused == {}
        assert len(rows(app)) == 1
    finally:
        runtime.stop()
        app.close()


def test_without_a_certificate_starttls_is_not_offered(intake: Runtime) -> None:
    # Given the intake with no PEP_TLS_CERT, When a client says EHLO, Then STARTTLS is not advertised
    assert intake.intake is not None
    with smtplib.SMTP("127.0.0.1", intake.intake.port, timeout=10) as smtp:
        smtp.ehlo()
        assert not smtp.has_extn("starttls")


def test_size_is_advertised_and_larger_messages_get_552(settings: Settings, clock) -> None:
    # Given an intake that takes at most 4 KB
    app = build_app(settings.with_changes(max_message_bytes=4096), clock)
    runtime = Runtime(app, intake=True, workers=False, sweeper=False).start()
    try:
        assert runtime.intake is not None
        with smtplib.SMTP("127.0.0.1", runtime.intake.port, timeout=10) as smtp:
            smtp.ehlo()
            # Then SIZE is advertised with the limit
            assert smtp.esmtp_features["size"] == "4096"
            # When a sender declares a larger size at MAIL FROM, Then it is refused with 552 there
            code, _ = smtp.mail("sender@example.org", ["SIZE=5000"])
            assert code == 552
            smtp.rset()
            # When a sender sends more than the limit without declaring it, Then DATA ends with 552
            smtp.mail("sender@example.org")
            smtp.rcpt(RCPT)
            code, _ = smtp.data(raw_message("\r\n".join(["x" * 70] * 80)))
            assert code == 552
            # And a message within the limit on the same connection is still accepted
            smtp.mail("sender@example.org")
            smtp.rcpt(RCPT)
            code, _ = smtp.data(raw_message("small"))
            assert code == 250
        # And only that one is stored
        assert [len(r.raw or b"") < 4096 for r in rows(app)] == [True]
    finally:
        runtime.stop()
        app.close()


def set_connections(database: str, allowed: bool, spare: int = 0) -> None:
    """Open or close a PostgreSQL database to new connections, ending the open ones (but backend `spare`)
    when closing."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {"true" if allowed else "false"}'))
        if not allowed:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid NOT IN (pg_backend_pid(), :spare)"),
                         {"name": database, "spare": spare})
    admin.dispose()


@pytest.fixture
def private_postgres() -> Iterator[PostgresDatabase]:
    """A database of this test's own, since the test takes it away mid-way."""
    require_postgres()
    database = PostgresDatabase()
    yield database
    set_connections(database.name, True)
    database.drop()


def test_database_outage_answers_451_to_every_session_then_250_after(
        private_postgres: PostgresDatabase, tmp_path: Path, clock) -> None:
    settings = Settings(database_url=private_postgres.url, var_dir=str(tmp_path / "var"), domain="pep.test",
                        smtp_listen="127.0.0.1:0", secret_key="test-secret-key-of-sufficient-length")
    app = build_app(settings, clock)
    runtime = Runtime(app, intake=True, workers=False, sweeper=False).start()
    assert runtime.intake is not None
    port = runtime.intake.port
    messages = [raw_message(f"message {i}") for i in range(4)]

    def deliver(raw: bytes) -> int:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.ehlo()
            smtp.mail("sender@example.org")
            smtp.rcpt(RCPT)
            return smtp.data(raw)[0]

    try:
        # Given the intake running, When the database stops accepting connections
        set_connections(private_postgres.name, False)
        # Then four concurrent senders are each told 451 (try again), none 250
        with ThreadPoolExecutor(4) as pool:
            codes = list(pool.map(deliver, messages))
        assert codes == [451] * 4
        # When the database is back, Then the senders' retries are accepted and stored, once each
        set_connections(private_postgres.name, True)
        with ThreadPoolExecutor(4) as pool:
            codes = list(pool.map(deliver, messages))
        assert codes == [250] * 4
        assert sorted(r.raw for r in rows(app)) == sorted(messages)
    finally:
        runtime.stop()
        app.close()


def test_the_same_message_delivered_twice_is_processed_once(pep: Pep) -> None:
    # Given a message from a sender PEP does not know (so it gets one answer)
    raw = raw_message("Please add me")
    # When the sending server delivers it twice (it did not see our first 250)
    for _ in range(2):
        with smtplib.SMTP("127.0.0.1", pep.port, timeout=10) as smtp:
            assert smtp.sendmail("sender@example.org", [RCPT], raw) == {}
    # Then both copies are stored; the first is handled, the second is recognised as a duplicate
    wait_until(lambda: [r.status for r in rows(pep.app)] == ["done", "duplicate"])
    first, second = rows(pep.app)
    assert second.outcome == f"duplicate of inbound message {first.id}"
