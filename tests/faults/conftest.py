"""Fixtures for fault scenarios: a private database and queue, PEP's settings for its processes, figures."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from engine.app import App, build_app
from engine.migrate import upgrade
from engine.seed import seed_defaults
from engine.services.areas import add_area
from engine.settings import Settings
from tests.faults.services import PrivatePostgres, PrivateRedis, postgres_bin
from tests.harness.services import require

SCALE = float(os.environ.get("PEP_FAULT_SCALE", "0.1"))


def scaled(full: int, minimum: int = 50) -> int:
    """The scenario's size: the full figure under `make test-faults`, a bounded slice otherwise."""
    return max(minimum, int(full * SCALE))


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    require("PostgreSQL server binaries", postgres_bin() is not None and shutil.which("runuser") is not None)
    server = PrivatePostgres()
    server.start()
    yield server
    server.destroy()


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    require("redis-server", shutil.which("redis-server") is not None)
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stack(tmp_path: Path, private_postgres: PrivatePostgres, private_redis: PrivateRedis) -> Iterator[dict[str, Any]]:
    """Settings for PEP processes on the private servers, a migrated database, and an App for the test."""
    env = os.environ | {
        "PEP_DATABASE_URL": private_postgres.url, "PEP_BROKER_URL": private_redis.url,
        "PEP_QUEUE_NAMESPACE": f"pep-faults-{uuid.uuid4().hex[:6]}", "PEP_VAR_DIR": str(tmp_path / "var"),
        "PEP_OUTBOUND": f"maildir:{tmp_path / 'outbox'}", "PEP_DOMAIN": "pep.test",
        "PEP_SECRET_KEY": "fault-secret-key-0123456789abcdef", "PEP_SWEEP_SECONDS": "1",
        "PEP_CLAIM_TIMEOUT_SECONDS": "5", "PEP_REQUEUE_AFTER_SECONDS": "3",
        "PEP_WORKER_THREADS": "8",
    }
    settings = Settings(database_url=private_postgres.url, broker_url=private_redis.url,
                        queue_namespace=env["PEP_QUEUE_NAMESPACE"], var_dir=env["PEP_VAR_DIR"],
                        outbound=env["PEP_OUTBOUND"], domain="pep.test", secret_key=env["PEP_SECRET_KEY"])
    app = build_app(settings)
    upgrade(app.db)
    with app.sessions() as session:
        seed_defaults(session, app.env)
        add_area(session, app.env, "Faultshire")
        session.commit()
    logs = tmp_path / "logs"
    logs.mkdir()
    yield {"env": env, "app": app, "settings": settings, "logs": logs, "postgres": private_postgres,
           "redis": private_redis}
    app.close()


@pytest.fixture
def figures(capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> Callable[..., None]:
    """Print a scenario's figures (sent, acknowledged, stored, processed, delivered, lost, duplicated)."""

    def show(**values: Any) -> None:
        line = json.dumps({"scenario": request.node.name, **values})
        with capsys.disabled():
            print(f"\nFAULT FIGURES {line}")

    return show


def app_of(stack: dict[str, Any]) -> App:
    return stack["app"]  # type: ignore[no-any-return]


__all__ = ["scaled", "subprocess"]
