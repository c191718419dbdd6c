"""Fixtures for the transport tests: real SMTP sinks and transports pointed at them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from outbound.transport import SmtpTransport
from tests.support.fixtures import postfix_relay, smtp_sink  # noqa: F401  (fixtures)
from tests.support.smtp_sink import SmtpSink

MakeTransport = Callable[..., SmtpTransport]


@pytest.fixture
def make_transport() -> Iterator[MakeTransport]:
    """Build plain-text SmtpTransports to a sink; all are closed after the test."""
    made: list[SmtpTransport] = []

    def make(sink: SmtpSink, **options: object) -> SmtpTransport:
        settings: dict[str, object] = {"helo": "pep.test", "security": "none", "timeout": 5.0}
        settings.update(options)
        transport = SmtpTransport(sink.host, sink.port, **settings)  # type: ignore[arg-type]
        made.append(transport)
        return transport

    yield make
    for transport in made:
        transport.close()
