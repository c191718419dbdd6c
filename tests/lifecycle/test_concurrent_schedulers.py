"""Two schedulers (two processes' worth of engines and sessions) ticking at the same moment on one
PostgreSQL database send each reminder and each lapse notice once."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.app import App, build_app
from engine.clock import FixedClock
from engine.env import Env
from engine.models import Partnership
from engine.scheduler.isa_jobs import lapse_expired, send_reminders
from engine.scheduler.job import Job, JobFunction
from engine.scheduler.tick import run_tick
from engine.seed import seed_defaults
from engine.settings import Settings
from tests.conftest import START
from tests.harness.databases import PostgresDatabase
from tests.lifecycle.force import COORDINATOR, confirm_by_token, invite_partnership, queued, small_force

PARTNERSHIPS = 12


@pytest.fixture
def two_apps(postgres_database: PostgresDatabase, tmp_path: Path) -> Iterator[tuple[App, App]]:
    settings = Settings(database_url=postgres_database.fresh(), var_dir=str(tmp_path / "var"),
                        outbound=f"maildir:{tmp_path / 'outbox'}", secret_key="test-secret-key-of-sufficient-length",
                        domain="pep.test")
    first, second = build_app(settings, FixedClock(START)), build_app(settings, FixedClock(START))
    with first.sessions() as session:
        seed_defaults(session, first.env)
        session.commit()
    yield first, second
    first.close()
    second.close()


def _together(barrier: threading.Barrier, job: JobFunction) -> JobFunction:
    """The job, started only when the other scheduler has read the database too: both see the same work due."""
    def run(session: Session, env: Env) -> int:
        session.scalar(select(func.count()).select_from(Partnership))
        barrier.wait(10)
        return job(session, env)
    return run


def _tick_both(apps: tuple[App, App], at: datetime, name: str, job: JobFunction) -> list[int]:
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def tick(app: App) -> None:
        assert isinstance(app.clock, FixedClock)
        app.clock.set(at)
        try:
            results.append(run_tick(app, [Job(name, _together(barrier, job))])[name])
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=tick, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


def test_two_schedulers_ticking_together_send_each_reminder_and_lapse_notice_once(
        two_apps: tuple[App, App]) -> None:
    # Given thirty confirmed partnerships with a coordinator above them
    first, _second = two_apps
    small_force(first)
    for i in range(PARTNERSHIPS):
        invite_partnership(first, f"Partnership {i}", f"chair{i}@example.org")
        confirm_by_token(first, f"chair{i}@example.org")
    # When both schedulers tick at the same moment on the 14-day reminder day
    done = _tick_both(two_apps, datetime(2027, 11, 13, 9, 30, tzinfo=timezone.utc), "isa.reminders", send_reminders)
    # Then between them they did each reminder once, and every chair has exactly one
    assert sum(done) == PARTNERSHIPS
    per_chair = Counter(d.to_addr for d in queued(first, "chair.isa.reminder"))
    assert len(per_chair) == PARTNERSHIPS and set(per_chair.values()) == {1}
    # When both tick at the expiry
    done = _tick_both(two_apps, datetime(2027, 11, 27, 10, tzinfo=timezone.utc), "isa.lapse", lapse_expired)
    # Then each partnership lapsed once, each chair was told once, the coordinator got one list
    assert sum(done) == PARTNERSHIPS
    assert set(Counter(d.to_addr for d in queued(first, "chair.isa.lapsed")).values()) == {1}
    notes = queued(first, "coordinator.partnership.lapsed", COORDINATOR)
    assert len(notes) == 1 and len(notes[0].context["partnerships"]) == PARTNERSHIPS
