"""One scheduler tick over a whole force: seconds per tick and SQL statements sent, which must not
grow with the number of partnerships (no per-partnership queries)."""
from __future__ import annotations

import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert

from engine.app import App, build_app
from engine.clock import FixedClock
from engine.migrate import upgrade
from engine.models import Area, IsaConfirmation, Partnership, Person, Role
from engine.scheduler.tick import run_tick
from engine.seed import seed_defaults
from engine.services.isa import current_version
from engine.settings import Settings

NOW = datetime(2027, 3, 1, 10, tzinfo=timezone.utc)
DUE_SHARE = 10  # one partnership in ten is due a reminder


def _variants() -> list[tuple[str, str]]:
    variants = [("sqlite", "sqlite")]
    try:
        import socket
        socket.create_connection(("127.0.0.1", 5432), 1).close()
        variants.append(("postgresql", "postgres"))
    except OSError:
        pass
    return variants


def _populate(app: App, partnerships: int, people: int) -> None:
    """A force in bulk: areas, partnerships with one chair each, members, a confirmation each."""
    per = people // partnerships
    with app.sessions() as session:
        seed_defaults(session, app.env)
        session.flush()
        version = current_version(session)
        session.execute(insert(Area), [{"id": 1, "name": "Benchshire", "parent_id": None, "path": "/1/"}] + [
            {"id": 2 + i, "name": f"Division {i}", "parent_id": 1, "path": f"/1/{2 + i}/"} for i in range(20)])
        session.execute(insert(Partnership), [
            {"id": p + 1, "name": f"Partnership {p}", "type_id": 1, "area_id": 2 + p % 20, "status": "active",
             "disc_enabled": True, "authoring_agreed": False, "created_at": NOW, "status_changed_at": NOW}
            for p in range(partnerships)])
        session.execute(insert(Person), [{"id": i + 1, "email": f"p{i}@bench.example", "name": f"Person {i}",
                                          "digest_on": True, "created_at": NOW} for i in range(people)])
        session.execute(insert(Role), [{"person_id": i + 1, "role": "chair" if i % per == 0 else "member",
                                        "partnership_id": i // per + 1, "started_at": NOW}
                                       for i in range(partnerships * per)])
        # Partnerships whose number ends in 0 run out in ten days (inside the 14-day reminder); the rest later.
        session.execute(insert(IsaConfirmation), [
            {"partnership_id": p + 1, "person_id": p * per + 1, "isa_version_id": version.id,
             "confirmed_at": NOW - timedelta(days=300),
             "expires_at": NOW + timedelta(days=10 if p % DUE_SHARE == 0 else 200 + p % 100),
             "evidence": {}} for p in range(partnerships)])
        session.commit()


def _measure(app: App) -> tuple[float, int, dict[str, int]]:
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(app.db, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        done = run_tick(app)
        elapsed = time.perf_counter() - started
    finally:
        event.remove(app.db, "before_cursor_execute", count)
    return elapsed, statements, done


def _one(kind: str, folder: Path, partnerships: int, people: int) -> tuple[float, int, float, int, dict[str, int]]:
    database = None
    url = f"sqlite:///{folder / 'bench.db'}"
    if kind == "postgres":
        from tests.harness.databases import PostgresDatabase
        database = PostgresDatabase()
        url = database.url
    settings = Settings(database_url=url, var_dir=str(folder / "var"), outbound=f"maildir:{folder / 'outbox'}",
                        domain="pep.bench", secret_key="bench-secret-key-0123456789")
    app = build_app(settings, FixedClock(NOW))
    try:
        upgrade(app.db)
        _populate(app, partnerships, people)
        busy, busy_statements, done = _measure(app)
        idle, idle_statements, _ = _measure(app)
    finally:
        app.close()
        if database is not None:
            database.drop()
    return busy, busy_statements, idle, idle_statements, done


def run(quick: bool = False) -> list[dict[str, Any]]:
    partnerships, people = (500, 10_000) if quick else (5_000, 100_000)
    results = []
    with tempfile.TemporaryDirectory(prefix="pep-bench-") as tmp:
        for index, (name, kind) in enumerate(_variants()):
            big, small = Path(tmp) / f"{index}-big", Path(tmp) / f"{index}-small"
            big.mkdir()
            small.mkdir()
            busy, statements, idle, idle_statements, done = _one(kind, big, partnerships, people)
            _b, small_statements, _i, _is, small_done = _one(kind, small, partnerships // 5, people // 5)
            assert done["isa.reminders"] == partnerships // DUE_SHARE, done
            results.append({"workload": "tick", "variant": name, "n": partnerships, "figures": [
                {"name": f"seconds per tick ({partnerships} partnerships, {people} people, "
                         f"{done['isa.reminders']} reminders due)", "value": round(busy, 3), "unit": "s"},
                {"name": "SQL statements in that tick", "value": statements, "unit": ""},
                {"name": f"SQL statements at a fifth of the size ({small_done['isa.reminders']} due)",
                 "value": small_statements, "unit": ""},
                {"name": "seconds per tick with nothing due", "value": round(idle, 3), "unit": "s"},
                {"name": "SQL statements with nothing due", "value": idle_statements, "unit": ""},
            ]})
    return results
