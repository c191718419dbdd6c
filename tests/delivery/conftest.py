"""An App that sends through a real SMTP sink, on a fixed clock, with the test-only bulk kind."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.app import App, build_app
from engine.clock import FixedClock
from engine.models import Person
from engine.seed import seed_defaults
from engine.services.fanout import fan_out
from engine.services.people import add_person
from engine.settings import Settings
from tests.harness.kinds import kinds_folder, notice_values
from tests.support.fixtures import smtp_sink  # noqa: F401 - a fixture used by the tests here
from tests.support.smtp_sink import SmtpSink


@pytest.fixture
def sink_app(settings: Settings, clock: FixedClock, smtp_sink: SmtpSink, tmp_path: Path) -> Iterator[App]:  # noqa: F811
    changed = settings.with_changes(outbound=f"smtp+plain://127.0.0.1:{smtp_sink.port}?timeout=5",
                                    templates_dir=str(kinds_folder(tmp_path / "templates")),
                                    outbound_connections=1)
    application = build_app(changed, clock)
    with application.sessions() as session:
        seed_defaults(session, application.env)
        session.commit()
    yield application
    application.close()


def add_people(app: App, names: list[str]) -> list[int]:
    """Register members (admins here: any role will do) and return their ids."""
    with app.sessions() as session:
        ids = [add_person(session, app.env, f"{_ascii(name.split()[0].lower())}@shop.example", name, "admin").id
               for name in names]
        session.commit()
    return ids


def _ascii(word: str) -> str:
    return word.encode("ascii", "ignore").decode() or "x"


def broadcast_to(app: App, person_ids: list[int], bulk: bool = True) -> int:
    """Fan the test notice out to these people; the broadcast id."""
    with app.sessions() as session:
        broadcast = fan_out(session, app.env, "member.notice", notice_values(2), select(Person.id).where(
            Person.id.in_(person_ids)), bulk=bulk)
        session.commit()
        return broadcast.id
