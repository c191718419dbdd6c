"""Shared by the attack tests: the `pep` console against the running PEP's database, and processed rows."""
from __future__ import annotations

from typing import Callable

import pytest
from sqlalchemy import select

from tests.harness.cli import cli_runner
from engine.models import AuditEvent, InboundMessage
from tests.conftest import wait_until
from tests.harness.running import Pep

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(pep: Pep, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return cli_runner(pep.app.settings, monkeypatch, capsys)


def processed(pep: Pep, count: int) -> list[InboundMessage]:
    """The inbound rows, oldest first, once at least `count` of them are worked."""
    def done() -> list[InboundMessage] | None:
        with pep.app.sessions() as session:
            rows = list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))
        return rows if len(rows) >= count and all(r.status in ("done", "duplicate") for r in rows) else None
    return wait_until(done)


def audit(pep: Pep, action: str) -> list[AuditEvent]:
    with pep.app.sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
