"""Shared fixtures: settings, a fixed clock, and a migrated, seeded App on SQLite and PostgreSQL."""
from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import pytest

from engine.app import App, build_app
from engine.clock import FixedClock
from engine.seed import seed_defaults
from engine.settings import Settings
from tests.harness.databases import PostgresDatabase, SqliteTemplate
from tests.harness.services import require_postgres

if TYPE_CHECKING:
    from tests.harness.cli import Run
    from tests.harness.running import Pep

BACKENDS = ["sqlite", "postgres"]
START = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresDatabase]:
    require_postgres()
    database = PostgresDatabase()
    yield database
    database.drop()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: SqliteTemplate) -> str:
    if request.param == "sqlite":
        return sqlite_template.fresh(tmp_path)
    return request.getfixturevalue("postgres_database").fresh()


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(database_url=db_url, var_dir=str(tmp_path / "var"), outbound=f"maildir:{tmp_path / 'outbox'}",
                    secret_key="test-secret-key-of-sufficient-length", smtp_listen="127.0.0.1:0",
                    domain="pep.test", sweep_seconds=1, requeue_after_seconds=2)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def app(settings: Settings, clock: FixedClock) -> Iterator[App]:
    application = build_app(settings, clock)
    with application.sessions() as session:
        seed_defaults(session, application.env)
        session.commit()
    yield application
    application.close()


def wait_until(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.05) -> Any:
    """Poll until `predicate()` is truthy; fail the test with a clear message after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")


@pytest.fixture
def pep(settings: Settings) -> Iterator["Pep"]:
    """PEP running in-process (intake, workers, sweeper) on the test's database."""
    from tests.harness.running import start_pep
    running = start_pep(settings)
    yield running
    running.stop()


@pytest.fixture
def pep_at_fixed_time(settings: Settings) -> Iterator[tuple["Pep", FixedClock]]:
    """PEP running in-process on a FixedClock at START, which the test moves."""
    from tests.harness.running import start_pep
    clock = FixedClock(START)
    running = start_pep(settings, clock)
    yield running, clock
    running.stop()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's settings in the environment, for tests that call `pep`'s main themselves."""
    from tests.harness.cli import cli_environment
    cli_environment(settings, monkeypatch)


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> "Run":
    """`pep …` run in-process on the test's database (initialised): returns (status, stdout, stderr)."""
    from tests.harness.cli import cli_runner
    run = cli_runner(settings, monkeypatch, capsys)
    assert run("init")[0] == 0
    return run
