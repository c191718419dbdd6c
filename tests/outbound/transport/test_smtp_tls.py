"""SmtpTransport secures connections with STARTTLS or implicit TLS and logs in."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest
import trustme

from outbound.transport import SmtpTransport
from tests.outbound.transport.messages import finished_message
from tests.support.smtp_sink import SmtpSink, TlsMode

CREDENTIALS = ("relay-user", "s3cret pass")


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    """A throwaway certificate authority for this module's servers."""
    return trustme.CA()


@pytest.fixture(scope="module")
def server_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture(scope="module")
def client_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    authority.configure_trust(context)
    return context


def _sink(tls: TlsMode, server_context: ssl.SSLContext) -> SmtpSink:
    return SmtpSink(tls=tls, server_context=server_context, credentials=CREDENTIALS)


@pytest.fixture
def starttls_sink(server_context: ssl.SSLContext) -> Iterator[SmtpSink]:
    with _sink("starttls", server_context) as sink:
        yield sink


@pytest.mark.parametrize(("tls", "security"), [("starttls", "starttls"), ("implicit", "tls")])
def test_a_message_is_relayed_over_tls_after_logging_in(
    server_context: ssl.SSLContext, client_context: ssl.SSLContext, tls: TlsMode, security: str
) -> None:
    # Given a sink that only offers AUTH over TLS and requires it before MAIL
    with _sink(tls, server_context) as sink:
        transport = SmtpTransport(
            sink.host,
            sink.port,
            helo="pep.test",
            security=security,  # type: ignore[arg-type]
            username=CREDENTIALS[0],
            password=CREDENTIALS[1],
            ssl_context=client_context,
            timeout=5.0,
        )

        # When two messages are sent
        results = [transport.send("a@pep.test", "b@example.org", finished_message()) for _ in range(2)]
        transport.close()

        # Then both arrived over one secured, authenticated connection
        assert all(r.accepted for r in results), results
        assert [m.connection for m in sink.wait_for_messages(2)] == [1, 1]


def test_a_wrong_password_is_a_temporary_failure_naming_the_reply(
    starttls_sink: SmtpSink, client_context: ssl.SSLContext
) -> None:
    # Given a transport configured with the wrong password
    transport = SmtpTransport(
        starttls_sink.host,
        starttls_sink.port,
        helo="pep.test",
        username=CREDENTIALS[0],
        password="wrong",
        ssl_context=client_context,
        timeout=5.0,
    )

    # When it sends
    result = transport.send("a@pep.test", "b@example.org", finished_message())
    transport.close()

    # Then the message waits for the operator to fix the settings instead of bouncing
    assert result.temporary and "535" in result.detail
    assert starttls_sink.messages == []


def test_a_certificate_that_is_not_trusted_stops_the_connection(starttls_sink: SmtpSink) -> None:
    # Given a transport using the system's trust store, which does not know the test CA
    transport = SmtpTransport(
        starttls_sink.host,
        starttls_sink.port,
        helo="pep.test",
        username=CREDENTIALS[0],
        password=CREDENTIALS[1],
        timeout=5.0,
    )

    # When it sends
    result = transport.send("a@pep.test", "b@example.org", finished_message())
    transport.close()

    # Then nothing is sent and the failure names TLS
    assert result.temporary and "TLS" in result.detail
    assert starttls_sink.messages == []


def test_the_password_is_never_sent_to_a_server_without_starttls() -> None:
    # Given a plain-text server that would accept a login
    with SmtpSink(credentials=CREDENTIALS) as sink:
        transport = SmtpTransport(
            sink.host,
            sink.port,
            helo="pep.test",
            security="starttls",
            username=CREDENTIALS[0],
            password=CREDENTIALS[1],
            timeout=5.0,
        )

        # When the transport is asked to send
        result = transport.send("a@pep.test", "b@example.org", finished_message())
        transport.close()

        # Then it refuses to log in in clear, and nothing is delivered
        assert result.temporary and "STARTTLS" in result.detail
        assert sink.messages == []


def test_without_credentials_starttls_is_used_only_when_offered(smtp_sink: SmtpSink) -> None:
    # Given a plain-text server that does not offer STARTTLS
    transport = SmtpTransport(smtp_sink.host, smtp_sink.port, helo="pep.test", security="starttls", timeout=5.0)

    # When a message is sent without credentials
    result = transport.send("a@pep.test", "b@example.org", finished_message())
    transport.close()

    # Then it is delivered in plain text
    assert result.accepted
    assert len(smtp_sink.wait_for_messages(1)) == 1
