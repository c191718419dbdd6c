"""50,000 personalised ~30 KB alert-like messages from one broadcast, delivery rows to Postfix's smtp-sink.

For 1, 2 and 4 SMTP connections: from the fan-out (delivery-row creation) until every delivery is
recorded `sent`, with `pep worker` processes on PostgreSQL and Redis (SQLite and one `pep serve`
when those are missing). In the same run `smtp-source -d` sends same-size messages to the same
sink: the machine's ceiling. DKIM signing is measured on its own. Peak memory is the sum of the
PEP processes' peak resident sizes (VmHWM).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bench.common import wait_for_count
from engine.app import build_app
from engine.clock import SystemClock
from engine.migrate import upgrade
from engine.models import Delivery, Person, Role
from engine.seed import seed_defaults
from engine.services.fanout import fan_out
from engine.settings import Settings
from tests.harness.kinds import kinds_folder, notice_values

ROOT = Path(__file__).resolve().parents[2]
PARAGRAPHS = 40  # ~30 KB messages with the member.notice kind (text and HTML)
MESSAGE_BYTES = 30_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _services() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), 1).close()
        socket.create_connection(("127.0.0.1", 6379), 1).close()
        return True
    except OSError:
        return False


class Sink:
    """Postfix's smtp-sink on a loopback port: accepts every message and discards it."""

    def __init__(self) -> None:
        self.port = _free_port()
        command = ["smtp-sink", "127.0.0.1:%d" % self.port, "1024"]
        if os.geteuid() == 0:
            command[1:1] = ["-u", "nobody"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("smtp-sink did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def ceiling(port: int, connections: int, n: int) -> float:
    """smtp-source -d (connections kept open) with same-size messages: messages per second."""
    started = time.perf_counter()
    subprocess.run(["smtp-source", "-d", "-s", str(connections), "-m", str(n), "-l", str(MESSAGE_BYTES),
                    "-f", "bench@pep.bench", "-t", "member@shop.example", f"127.0.0.1:{port}"],
                   check=True, capture_output=True)
    return n / (time.perf_counter() - started)


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _prepare(settings: Settings, n: int) -> Any:
    app = build_app(settings, SystemClock())
    upgrade(app.db)
    now = app.clock.now()
    with app.sessions() as session:
        seed_defaults(session, app.env)
        for start in range(0, n, 10_000):
            session.execute(insert(Person), [{"email": f"member{i}@shop{i % 50}.example",
                                              "name": f"Member {i} Surname", "created_at": now}
                                             for i in range(start, min(n, start + 10_000))])
        ids = session.scalars(select(Person.id)).all()
        for start in range(0, len(ids), 10_000):
            session.execute(insert(Role), [{"person_id": p, "role": "member", "started_at": now}
                                           for p in ids[start:start + 10_000]])
        session.commit()
    return app


def _workers(env: dict[str, str], count: int, distributed: bool, folder: Path) -> list[subprocess.Popen[bytes]]:
    mode = "worker" if distributed else "serve"
    processes = []
    for number in range(count):
        log = (folder / f"worker{number}.log").open("wb")
        processes.append(subprocess.Popen([sys.executable, "-m", "engine.cli.main", mode], env=env, cwd=ROOT,
                                          stdout=log, stderr=subprocess.STDOUT))
    for number in range(count):
        deadline = time.monotonic() + 60
        while b"workers running" not in (folder / f"worker{number}.log").read_bytes():
            if time.monotonic() > deadline or processes[number].poll() is not None:
                raise RuntimeError((folder / f"worker{number}.log").read_text())
            time.sleep(0.1)
    return processes


def one(connections: int, n: int, sink: Sink, folder: Path, distributed: bool) -> dict[str, Any]:
    database = None
    if distributed:
        from tests.harness.databases import PostgresDatabase
        database = PostgresDatabase()
        url = database.url
    else:
        url = f"sqlite:///{folder / 'bench.db'}"
    processes = min(2, connections) if distributed else 1
    env = os.environ | {
        "PEP_DATABASE_URL": url, "PEP_VAR_DIR": str(folder / "var"), "PEP_SECRET_KEY": "bench-secret-key-0123456789",
        "PEP_DOMAIN": "pep.bench", "PEP_SMTP_LISTEN": "127.0.0.1:0", "PEP_CONFIG": str(folder / "none.toml"),
        "PEP_OUTBOUND": f"smtp+plain://127.0.0.1:{sink.port}",
        # Two streams per connection, so that each process has work for every connection it holds
        # whichever process the queue hands a stream to.
        "PEP_OUTBOUND_CONNECTIONS": str(connections // processes), "PEP_DELIVERY_STREAMS": str(2 * connections),
        "PEP_WORKER_THREADS": str(2 * connections), "PEP_DELIVERY_BATCH_SIZE": "200",
        "PEP_TEMPLATES_DIR": str(kinds_folder(folder / "templates")),
        "PEP_QUEUE_NAMESPACE": f"pep-bench-{uuid.uuid4().hex[:6]}"}
    if distributed:
        env["PEP_BROKER_URL"] = "redis://127.0.0.1:6379/0"
    else:
        env.pop("PEP_BROKER_URL", None)
    settings = Settings(database_url=url, var_dir=env["PEP_VAR_DIR"], secret_key=env["PEP_SECRET_KEY"],
                        domain="pep.bench", broker_url=env.get("PEP_BROKER_URL"),
                        queue_namespace=env["PEP_QUEUE_NAMESPACE"], delivery_streams=2 * connections,
                        outbound=f"maildir:{folder / 'unused'}")
    app = _prepare(settings, n)
    workers = _workers(env, processes, distributed, folder)
    sent = select(func.count()).select_from(Delivery).where(Delivery.status == "sent")
    try:
        started = time.perf_counter()
        with app.sessions() as session:
            fan_out(session, app.env, "member.notice", notice_values(PARAGRAPHS), select(Person.id))
            session.commit()
        created = time.perf_counter()
        wait_for_count(app, sent, n, what="the fan-out")
        finished = time.perf_counter()
        peak_mb = sum(_peak_kb(w.pid) for w in workers) / 1024
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(60)
        app.close()
        if database is not None:
            database.drop()
    rate = n / (finished - started)
    return {"rate": rate, "create_s": created - started, "peak_mb": peak_mb, "processes": processes}


def dkim_rate(count: int, folder: Path) -> float:
    """DKIM-signed ~30 KB messages per second on one core (RSA-2048, relaxed/relaxed)."""
    from outbound.dkim_sign import DkimSigner
    key = folder / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", str(key), "2048"], check=True, capture_output=True)
    signer = DkimSigner("bench", "pep.bench", key.read_bytes())
    message = b"From: a@pep.bench\r\nTo: b@shop.example\r\nSubject: x\r\n\r\n" + (b"x" * 76 + b"\r\n") * 390
    started = time.perf_counter()
    for _ in range(count):
        signer.sign(message)
    return count / (time.perf_counter() - started)


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 2_000 if quick else 50_000
    if shutil.which("smtp-sink") is None or shutil.which("smtp-source") is None:
        raise RuntimeError("the fan-out benchmark needs Postfix's smtp-sink and smtp-source (Debian: postfix)")
    distributed = _services()
    variant_base = "postgresql, redis, pep worker" if distributed else "sqlite, pep serve"
    results = []
    with tempfile.TemporaryDirectory(prefix="pep-bench-fanout-") as tmp:
        sink = Sink()
        try:
            for connections in (1, 2, 4):
                folder = Path(tmp) / f"c{connections}"
                folder.mkdir()
                top = ceiling(sink.port, connections, n)
                got = one(connections, n, sink, folder, distributed)
                results.append({"workload": "fanout", "n": n,
                                "variant": f"{variant_base} x{got['processes']}, {connections} connection(s)",
                                "figures": [
                    {"name": "messages per second, delivery rows to accepted by smtp-sink",
                     "value": round(got["rate"], 1), "unit": "/s"},
                    {"name": "ceiling: smtp-source -d, same size and connections", "value": round(top, 1), "unit": "/s"},
                    {"name": "ratio to the ceiling", "value": round(got["rate"] / top, 2), "unit": ""},
                    {"name": "peak memory of the PEP worker processes (sum of VmHWM)",
                     "value": round(got["peak_mb"], 1), "unit": "MB"},
                    {"name": "fan-out (delivery rows created)", "value": round(got["create_s"], 2), "unit": "s"},
                ]})
            signed = dkim_rate(200 if quick else 1000, Path(tmp))
            results.append({"workload": "fanout", "variant": "DKIM signing alone (RSA-2048, one core)", "n": 0,
                            "figures": [{"name": "messages signed per second", "value": round(signed, 1),
                                         "unit": "/s"},
                                        {"name": "CPU per message", "value": round(1000 / signed, 2),
                                         "unit": "ms"}]})
        finally:
            sink.stop()
    return results
