"""`pep dataview --email`: only to police, an MJML report with a PNG chart, audited."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterator

import pytest
from sqlalchemy import select

from engine.clock import FixedClock
from engine.errors import NotFound, NotPermitted
from engine.models import AuditEvent
from engine.services.dataview import Query, run_dataview
from engine.services.dataview_report import email_dataview
from engine.settings import Settings
from tests.conftest import START, wait_until
from tests.engine.dataview_world import build_world, incident, subject
from tests.harness.mail import body_text, messages_to
from tests.harness.running import Pep, start_pep


@pytest.fixture
def running(settings: Settings) -> Iterator[Pep]:
    pep = start_pep(settings, FixedClock(START))
    yield pep
    pep.stop()


def test_the_report_goes_to_police_with_a_chart(running: Pep) -> None:
    pep = running
    env = pep.app.env
    with pep.app.sessions() as session:
        world = build_world(session, env)
        dean = subject(session, env, world.pubwatch, "BP-1", "Dean Carter", date(1990, 5, 4))
        subject(session, env, world.hove, "H-1", "Deano Carter", date(1990, 5, 4))
        for n in range(3):
            incident(session, env, dean, world.pubwatch, START - timedelta(days=10 * n + 1), world.members[0], n)
        rows = run_dataview(session, env, Query(purpose="Operation Larder", actor="cli:analyst"))
        # When a member is named as the recipient, or someone unknown, it is refused
        with pytest.raises(NotPermitted, match="only to police"):
            email_dataview(session, env, rows, "bar0@pubs.example", "Operation Larder", "cli:analyst", START)
        with pytest.raises(NotFound):
            email_dataview(session, env, rows, "nobody@nowhere.example", "Operation Larder", "cli:analyst", START)
        # When it is sent to an officer
        email_dataview(session, env, rows, "pc.hale@police.example", "Operation Larder", "cli:analyst",
                       START - timedelta(days=365))
        session.commit()
    # Then the officer gets the ranked report, with the purpose and the chart as a PNG
    message = wait_until(lambda: messages_to(pep.outbox, "pc.hale@police.example"))[0]
    text = body_text(message)
    assert "Operation Larder" in text and "#1" in text and "Dean Carter" in text and "known to 2 partnerships" in text
    [chart] = list(message.iter_attachments())
    assert chart.get_content_type() == "image/png" and chart.get_content().startswith(b"\x89PNG")
    assert message.get_body(preferencelist=("html",)) is not None
    # And the disclosure is audited
    with pep.app.sessions() as session:
        actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("dataview.%"))))
    assert actions == {"dataview.run", "dataview.emailed"}
    assert not messages_to(pep.outbox, "bar0@pubs.example")
