"""What several workloads share: settings on a throw-away database, waiting for a count, a process's CPU time."""
from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any, Callable

from engine.app import App
from engine.settings import Settings


def bench_settings(folder: Path, overrides: dict[str, Any]) -> tuple[Settings, Callable[[], None]]:
    """Settings for one variant (`database_url="postgres"` means a fresh PostgreSQL database), and a
    function that drops what was made for it."""
    database = None
    if overrides.get("database_url") == "postgres":
        from tests.harness.databases import PostgresDatabase
        database = PostgresDatabase()
        overrides = overrides | {"database_url": database.url}
    settings = Settings(var_dir=str(folder / "var"), outbound=f"maildir:{folder / 'outbox'}", domain="pep.bench",
                        smtp_listen="127.0.0.1:0", secret_key="bench-secret-key-0123456789",
                        queue_namespace=f"pep-bench-{uuid.uuid4().hex[:6]}", **overrides)
    return settings, (database.drop if database is not None else (lambda: None))


def wait_for_count(app: App, query: Any, count: int, timeout: float = 1800, interval: float = 0.05,
                   what: str = "the workload") -> None:
    """Poll `query` (a count) until it reaches `count`; TimeoutError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        with app.sessions() as session:
            if (session.scalar(query) or 0) >= count:
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not finish in time")
        time.sleep(interval)


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds process `pid` has used so far, all its threads (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent not idle since boot (/proc/stat), for whole-machine cost per item."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def named_cpu_seconds(name: str) -> float:
    """CPU seconds used so far by every running process whose command name is `name` (e.g. postgres)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone since the listing
            continue
        if stat[stat.index("(") + 1:stat.rindex(")")] == name:
            total += cpu_seconds(int(entry.name))
    return total
