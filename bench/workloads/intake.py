"""Messages per second accepted durably by `pep smtpd`, beside a bare aiosmtpd ceiling and Postfix's own queue.

Postfix's `smtp-source -d` is the load generator (a C client, so the client is not what is measured).
"""
from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import func, select, text

from bench.common import cpu_seconds
from engine.db import make_engine
from engine.migrate import upgrade
from engine.models import InboundMessage

SIZES = {"2 KB": 2_000, "30 KB": 30_000}
CONNECTIONS = (1, 4)
RCPT = "reply+bench@pep.bench"
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(port: int, process: subprocess.Popen[bytes] | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def _load(port: int, connections: int, count: int, size: int) -> float:
    """Send `count` messages of `size` bytes over `connections` kept-open connections; messages per second."""
    started = time.perf_counter()
    done = subprocess.run(["smtp-source", "-d", "-s", str(connections), "-m", str(count), "-l", str(size),
                           "-f", "load@source.example", "-t", RCPT, f"127.0.0.1:{port}"],
                          capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or "fatal" in done.stderr:
        raise RuntimeError(f"smtp-source failed: {done.stderr.strip()[:300]}")
    return count / elapsed


@dataclass
class _Server:
    """One server under test: where it listens, its process (for its CPU time) and what ends its turn."""

    port: int
    pid: int | None = None
    settle: Callable[[], None] = lambda: None

    def cpu_seconds(self) -> float:
        if self.pid is None:
            return 0.0
        return cpu_seconds(self.pid)


@contextmanager
def _process(command: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[_Server]:
    # stderr goes to a file: a pipe nobody reads would block a server that logs a lot.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        _wait_listening(port, process)
        yield _Server(port, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()


@contextmanager
def _bare() -> Iterator[_Server]:
    port = _free_port()
    with _process([sys.executable, "-m", "bench.bare_smtpd", str(port)], port) as server:
        yield server


@contextmanager
def _postfix() -> Iterator[_Server | None]:
    if shutil.which("postfix") is None or os.geteuid() != 0:
        yield None
        return
    from bench.postfix_discard import DiscardingPostfix
    server = DiscardingPostfix().start()
    try:
        # Its turn ends once its queue manager has discarded what it accepted, not to burden the next server.
        yield _Server(server.port, settle=server.wait_drained)
    finally:
        server.stop()


@contextmanager
def _pep(folder: Path, database_url: str) -> Iterator[_Server]:
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    port = _free_port()
    env = os.environ | {"PEP_DATABASE_URL": database_url, "PEP_SMTP_LISTEN": f"127.0.0.1:{port}",
                        "PEP_DOMAIN": "pep.bench", "PEP_VAR_DIR": str(folder / "var"),
                        "PEP_SECRET_KEY": "bench-secret-key-0123456789", "PEP_CONFIG": str(folder / "none.toml")}
    command = [sys.executable, "-c", "import sys; from engine.cli.main import main; sys.exit(main(['smtpd']))"]
    with _process(command, port, env) as server:
        yield server


def _stored(database_url: str) -> int:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(InboundMessage))
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: fsync at every commit
    engine.dispose()
    return int(count or 0)


def _postgres_url() -> str | None:
    try:
        socket.create_connection(("127.0.0.1", 5432), 1).close()
    except OSError:
        return None
    from tests.harness.databases import PostgresDatabase
    return PostgresDatabase().url


def run(quick: bool = False) -> list[dict[str, Any]]:
    counts = {"2 KB": 300 if quick else 3000, "30 KB": 150 if quick else 1500}
    repeats = 1 if quick else 5
    rates: dict[tuple[str, int], dict[str, list[float]]] = {(s, n): {} for s in SIZES for n in CONNECTIONS}
    cpu: dict[tuple[str, int], dict[str, list[float]]] = {(s, n): {} for s in SIZES for n in CONNECTIONS}
    with tempfile.TemporaryDirectory(prefix="pep-bench-intake-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        sqlite_url = f"sqlite:///{folder / 'pep.db'}"
        servers = {"bare aiosmtpd, discarding": stack.enter_context(_bare()),
                   "Postfix smtpd, queued": stack.enter_context(_postfix()),
                   "pep smtpd, SQLite": stack.enter_context(_pep(folder / "sqlite", sqlite_url))}
        pg = _postgres_url()
        if pg is not None:
            stack.callback(_drop_postgres, pg)
            servers["pep smtpd, PostgreSQL"] = stack.enter_context(_pep(folder / "pg", pg))
        # Servers take turns on each load, repeated, each time in another order, so drift on a shared
        # machine hits them alike.
        names = list(servers)
        for repeat in range(repeats):
            for size_name, size in SIZES.items():
                for connections in CONNECTIONS:
                    for name in names[repeat % len(names):] + names[:repeat % len(names)]:
                        server = servers[name]
                        if server is None:
                            continue
                        before = server.cpu_seconds()
                        rate = _load(server.port, connections, counts[size_name], size)
                        rates[(size_name, connections)].setdefault(name, []).append(rate)
                        print(f"    {size_name}, {connections} connection(s), {name}: {rate:.0f} msg/s",
                              file=sys.stderr, flush=True)
                        if server.pid is not None:
                            cpu[(size_name, connections)].setdefault(name, []).append(
                                (server.cpu_seconds() - before) / counts[size_name])
                        server.settle()
        sent = sum(counts[s] for s in SIZES) * len(CONNECTIONS) * repeats
        for database_url in [sqlite_url] + ([pg] if pg else []):
            stored = _stored(database_url)
            if stored != sent:
                raise RuntimeError(f"{database_url.split(':')[0]}: {stored} of {sent} accepted messages stored")
    results = []
    for (size_name, connections), by_server in rates.items():
        medians = {name: statistics.median(values) for name, values in by_server.items()}
        figures = [{"name": f"{name} (msg/s)", "value": round(rate, 1), "unit": "/s"}
                   for name, rate in medians.items()]
        figures += [{"name": f"{name}: CPU per message (ms)", "value": round(statistics.median(values) * 1e3, 3),
                     "unit": "ms"} for name, values in cpu[(size_name, connections)].items()]
        anchor = medians.get("Postfix smtpd, queued")
        if anchor:
            figures.append({"name": "pep smtpd SQLite / Postfix", "value": round(
                medians["pep smtpd, SQLite"] / anchor, 2), "unit": "x"})
        results.append({"workload": "intake", "variant": f"{size_name}, {connections} connection{'s' * (connections > 1)}",
                        "n": counts[size_name], "figures": figures})
    return results


def _drop_postgres(url: str) -> None:
    from sqlalchemy import create_engine
    from tests.harness.services import PG_ADMIN_URL
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()
