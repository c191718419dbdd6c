"""pytest fixtures for real servers: import them into a conftest to use them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.postfix import postfix_relay
from tests.support.smtp_sink import SmtpSink

__all__ = ["postfix_relay", "smtp_sink"]


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A fresh plain-text SMTP sink on a free loopback port, stopped after the test."""
    with SmtpSink() as sink:
        yield sink
