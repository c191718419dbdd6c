"""The weekly digest for 50,000 people, each with their own content, built and handed to Postfix's smtp-sink.

50 people per partnership (a chair and 49 members) in 1,000 partnerships over 20 areas; 400 current
publications of every kind, each person having received three to six of them; 30,000 reports over
twelve weeks. Figures: building and queueing every digest (`pep digest run`, one process), sending them
all (`pep serve` or `pep worker` processes to smtp-sink), the total, the peak resident memory of the
builder and of the senders (VmHWM), and the CPU seconds the builder used and the senders used per digest
(what a loaded machine distorts least).
"""
from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bench.workloads.fanout import ROOT, Sink, _peak_kb, _services, _workers
from bench.common import cpu_seconds, wait_for_count
from engine.app import build_app
from engine.clock import SystemClock
from engine.migrate import upgrade
from engine.models import (Area, Delivery, IsaConfirmation, Partnership, PartnershipType, Person, Publication, Report,
                           Role)
from engine.seed import seed_defaults
from engine.services.isa import current_version
from engine.settings import Settings

PER_PARTNERSHIP = 50
AREAS = 20
PUBLICATIONS = 400
KINDS = (("alert", "wanted"), ("alert", "offender"), ("alert", "info"), ("news", "info"), ("event", "info"),
         ("document", "info"))


def _prepare(settings: Settings, people: int, reports: int) -> None:
    """The force, written with bulk inserts."""
    rng = random.Random(7)
    app = build_app(settings, SystemClock())
    upgrade(app.db)
    now = app.clock.now()
    with app.sessions() as session:
        seed_defaults(session, app.env)
        root = Area(name="Force", parent_id=None, path="/f/")
        session.add(root)
        session.flush()
        areas = []
        for n in range(AREAS):
            area = Area(name=f"Area {n}", parent_id=root.id, path=f"/f/{n}/")
            session.add(area)
            areas.append(area)
        session.flush()
        type_id = session.scalar(select(PartnershipType.id).limit(1))
        count = people // PER_PARTNERSHIP
        session.execute(insert(Partnership), [{"name": f"Partnership {n}", "type_id": type_id,
                                               "area_id": areas[n % AREAS].id, "status": "active",
                                               "created_at": now, "status_changed_at": now} for n in range(count)])
        pids = session.scalars(select(Partnership.id).order_by(Partnership.id)).all()
        for start in range(0, people, 10_000):
            session.execute(insert(Person), [{"email": f"p{i}@shop{i // PER_PARTNERSHIP}.example",
                                              "name": f"Person {i}", "created_at": now}
                                             for i in range(start, min(people, start + 10_000))])
        person_ids = session.scalars(select(Person.id).order_by(Person.id)).all()
        for start in range(0, people, 10_000):
            session.execute(insert(Role), [{"person_id": person_ids[i], "started_at": now,
                                            "role": "chair" if i % PER_PARTNERSHIP == 0 else "member",
                                            "partnership_id": pids[i // PER_PARTNERSHIP]}
                                           for i in range(start, min(people, start + 10_000))])
        version = current_version(session)
        session.execute(insert(IsaConfirmation), [
            {"partnership_id": pid, "person_id": person_ids[n * PER_PARTNERSHIP], "isa_version_id": version.id,
             "confirmed_at": now - timedelta(days=300), "expires_at": now + timedelta(days=rng.randint(5, 300))}
            for n, pid in enumerate(pids)])
        author = person_ids[0]
        pubs = []
        for n in range(PUBLICATIONS):
            kind, category = KINDS[n % len(KINDS)]
            pubs.append({"kind": kind, "category": category, "title": f"{kind.title()} number {n}", "body": "…",
                         "author_id": author, "audience": {}, "status": "published", "created_at": now,
                         "published_at": now - timedelta(days=rng.randint(0, 5)),
                         "starts_at": now + timedelta(days=rng.randint(1, 20)) if kind == "event" else None,
                         "expires_at": now + timedelta(days=rng.randint(5, 60))})
        session.execute(insert(Publication), pubs)
        pub_ids = session.scalars(select(Publication.id).order_by(Publication.id)).all()
        rows = []
        for i, person in enumerate(person_ids):
            for pub in rng.sample(pub_ids, rng.randint(3, 6)):
                rows.append({"kind": "member.publication", "person_id": person, "to_addr": f"p{i}@x.example",
                             "context": {}, "publication_id": pub, "status": "sent", "attempts": 1,
                             "next_attempt_at": now, "created_at": now})
            if len(rows) >= 20_000:
                session.execute(insert(Delivery), rows)
                rows = []
        if rows:
            session.execute(insert(Delivery), rows)
        for start in range(0, reports, 10_000):
            session.execute(insert(Report), [{"ref": f"PEP-B-{i:07d}", "kind": "incident", "reporter_id": author,
                                              "partnership_id": rng.choice(pids), "description": "…",
                                              "created_at": now - timedelta(hours=rng.randint(1, 24 * 84))}
                                             for i in range(start, min(reports, start + 10_000))])
        session.commit()
    app.close()


def one(n: int, folder: Path, sink: Sink, distributed: bool) -> dict[str, Any]:
    database = None
    if distributed:
        from tests.harness.databases import PostgresDatabase
        database = PostgresDatabase()
        url = database.url
    else:
        url = f"sqlite:///{folder / 'bench.db'}"
    env = os.environ | {
        "PEP_DATABASE_URL": url, "PEP_VAR_DIR": str(folder / "var"), "PEP_SECRET_KEY": "bench-secret-key-0123456789",
        "PEP_DOMAIN": "pep.bench", "PEP_SMTP_LISTEN": "127.0.0.1:0", "PEP_CONFIG": str(folder / "none.toml"),
        "PEP_OUTBOUND": f"smtp+plain://127.0.0.1:{sink.port}", "PEP_OUTBOUND_CONNECTIONS": "2",
        "PEP_WORKER_THREADS": "4", "PEP_SCHEDULER_SECONDS": "3600",
        "PEP_QUEUE_NAMESPACE": f"pep-bench-{uuid.uuid4().hex[:6]}"}
    if distributed:
        env["PEP_BROKER_URL"] = "redis://127.0.0.1:6379/0"
    else:
        env.pop("PEP_BROKER_URL", None)
    settings = Settings(database_url=url, var_dir=env["PEP_VAR_DIR"], secret_key=env["PEP_SECRET_KEY"],
                        domain="pep.bench", broker_url=env.get("PEP_BROKER_URL"),
                        queue_namespace=env["PEP_QUEUE_NAMESPACE"], outbound=f"maildir:{folder / 'unused'}")
    try:
        _prepare(settings, n, reports=max(600, n * 3 // 5))
        processes = 2 if distributed else 1
        workers = _workers(env, processes, distributed, folder)
        app = build_app(settings, SystemClock())
        sent = select(func.count()).select_from(Delivery).where(Delivery.kind == "any.digest",
                                                                Delivery.status == "sent")
        try:
            idle_cpu = sum(cpu_seconds(w.pid) for w in workers)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            built = subprocess.run([sys.executable, "-m", "engine.cli.main", "digest", "run"], env=env, cwd=ROOT,
                                   capture_output=True, text=True, check=True)
            queued_s = time.perf_counter() - started
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            # Children waited for earlier (other workloads of the same run) are in the sums: count the difference.
            builder_mb = children.ru_maxrss / 1024
            builder_cpu = children.ru_utime + children.ru_stime - before.ru_utime - before.ru_stime
            count = int(built.stdout.split()[0])
            wait_for_count(app, sent, count, interval=0.2, what="sending the digests")
            total_s = time.perf_counter() - started
            senders_mb = sum(_peak_kb(w.pid) for w in workers) / 1024
            senders_cpu = sum(cpu_seconds(w.pid) for w in workers) - idle_cpu
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(60)
            app.close()
    finally:
        if database is not None:
            database.drop()
    return {"count": count, "queued_s": queued_s, "total_s": total_s, "builder_mb": builder_mb,
            "senders_mb": senders_mb, "processes": processes, "builder_cpu_s": builder_cpu,
            "senders_cpu_ms": 1000 * senders_cpu / max(count, 1)}


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 2_000 if quick else 50_000
    distributed = _services()
    with tempfile.TemporaryDirectory(prefix="pep-bench-digest-") as tmp:
        sink = Sink()
        try:
            got = one(n, Path(tmp), sink, distributed)
        finally:
            sink.stop()
    variant = ("postgresql, redis, pep worker" if distributed else "sqlite, pep serve") + f" x{got['processes']}"
    return [{"workload": "digest", "n": n, "variant": variant, "figures": [
        {"name": "digests built and sent", "value": got["count"], "unit": ""},
        {"name": "build and queue every digest (pep digest run)", "value": round(got["queued_s"], 1), "unit": "s"},
        {"name": "total: run started to every digest accepted by smtp-sink", "value": round(got["total_s"], 1),
         "unit": "s"},
        {"name": "peak memory of pep digest run (VmHWM)", "value": round(got["builder_mb"], 1), "unit": "MB"},
        {"name": "peak memory of the sending processes (sum of VmHWM)", "value": round(got["senders_mb"], 1),
         "unit": "MB"},
        {"name": "CPU of pep digest run (user and system)", "value": round(got["builder_cpu_s"], 1), "unit": "s"},
        {"name": "CPU of the sending processes per digest sent (user and system)",
         "value": round(got["senders_cpu_ms"], 2), "unit": "ms"},
    ]}]
