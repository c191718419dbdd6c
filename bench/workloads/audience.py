"""Audience resolution for a large force (ten representative rules) and expansion into delivery rows."""
from __future__ import annotations

import random
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from engine.app import App, build_app
from engine.clock import SystemClock
from engine.migrate import upgrade
from engine.models import Area, Delivery, IsaConfirmation, Partnership, PartnershipType, Person, Publication, Role
from engine.seed import seed_defaults
from engine.services import gate, publishing
from engine.services.audiences import audience_for
from engine.services.isa import current_version
from engine.settings import Settings

DIVISIONS, NEIGHBOURHOODS = 6, 8
EVERYONE_RULES = """
[publications]
name = "benchmark: everyone"
receivers = ["chairs", "members"]

[[publications.routes]]
name = "news to every chair and member"
match = { kind = "news" }
"""
# (label, kind, category, reach, types, areas): the shapes of audience police actually ask for.
RULES: list[tuple[str, str, str, str, list[str] | None, list[str] | None]] = [
    ("info to every chair in the force", "alert", "info", "chairs", None, None),
    ("info to pubwatch chairs in one division", "alert", "info", "chairs", ["pubwatch"], ["Division 1"]),
    ("wanted to pubwatch chairs in one division", "alert", "wanted", "chairs", ["pubwatch"], ["Division 1"]),
    ("wanted to members force-wide", "alert", "wanted", "members", None, None),
    ("offender to shopwatch and bcrp chairs in two divisions", "alert", "offender", "chairs",
     ["shopwatch", "bcrp"], ["Division 2", "Division 3"]),
    ("id_sought to shopwatch members force-wide", "alert", "id_sought", "members", ["shopwatch"], None),
    ("info to members of one neighbourhood", "alert", "info", "members", None, ["Neighbourhood 1.1"]),
    ("licence to all chairs in one division", "alert", "licence", "chairs", None, ["Division 4"]),
    ("order to pub- and nightwatch members in three divisions", "alert", "order", "members",
     ["pubwatch", "nightwatch"], ["Division 1", "Division 5", "Division 6"]),
    ("news to members force-wide", "news", "info", "members", None, None),
]


def _populate(app: App, partnerships: int, people: int) -> None:
    rng = random.Random(7)
    now = app.clock.now()
    with app.sessions() as session:
        seed_defaults(session, app.env)
        session.commit()
        types = list(session.execute(select(PartnershipType.id)).scalars())
        force = Area(name="Benchshire", path="")
        session.add(force)
        session.flush()
        force.path = f"/{force.id}/"
        leaves = []
        for d in range(1, DIVISIONS + 1):
            division = Area(name=f"Division {d}", parent_id=force.id, path="")
            session.add(division)
            session.flush()
            division.path = f"{force.path}{division.id}/"
            for n in range(1, NEIGHBOURHOODS + 1):
                leaf = Area(name=f"Neighbourhood {d}.{n}", parent_id=division.id, path="")
                session.add(leaf)
                session.flush()
                leaf.path = f"{division.path}{leaf.id}/"
                leaves.append(leaf.id)
        statuses = ["active"] * 18 + ["lapsed", "suspended"]
        session.execute(insert(Partnership), [
            {"name": f"Partnership {i}", "type_id": rng.choice(types), "area_id": rng.choice(leaves),
             "status": rng.choice(statuses), "disc_enabled": rng.random() < 0.6,
             "authoring_agreed": rng.random() < 0.4, "created_at": now, "status_changed_at": now}
            for i in range(partnerships)])
        session.execute(insert(Person), [{"email": f"p{i}@bench.example", "name": f"Person {i}", "digest_on": True,
                                          "created_at": now} for i in range(people)])
        pids = list(session.scalars(select(Partnership.id).order_by(Partnership.id)))
        persons = list(session.scalars(select(Person.id).order_by(Person.id)))
        roles = [{"person_id": persons[i], "role": "chair", "partnership_id": pid, "started_at": now}
                 for i, pid in enumerate(pids)]
        roles += [{"person_id": persons[i], "role": "member", "partnership_id": pids[i % len(pids)],
                   "started_at": now} for i in range(len(pids), len(persons))]
        session.execute(insert(Role), roles)
        version = current_version(session).id
        session.execute(insert(IsaConfirmation), [
            {"partnership_id": pid, "person_id": persons[i], "isa_version_id": version, "confirmed_at": now,
             "expires_at": now + timedelta(days=200 if rng.random() < 0.9 else -1), "evidence": {}}
            for i, pid in enumerate(pids)])
        session.commit()
    with app.db.connect() as connection:
        # Fresh bulk-loaded tables have no planner statistics yet; a live database has them
        # (PostgreSQL's autovacuum analyses on its own), so measure with statistics.
        connection.execute(text("ANALYZE"))
        connection.commit()


def _resolve(app: App) -> list[dict[str, Any]]:
    figures = []
    for label, kind, category, reach, types, areas in RULES:
        best, found = float("inf"), 0
        for _ in range(3):
            with app.sessions() as session:
                started = time.perf_counter()
                audience = audience_for(session, app.env, kind, category, reach, types, areas, None)
                passed = gate.recipients(gate.allowed(audience.pairs, app.clock.now(),
                                                      gate.carries_personal_data(category))).subquery()
                # Resolved and counted in the database, as a preview does: no id crosses into Python.
                found = session.scalar(select(func.count()).select_from(passed)) or 0
                best = min(best, time.perf_counter() - started)
        figures.append({"name": f"resolve: {label} ({found} recipients)", "value": round(best * 1000, 1),
                        "unit": "ms"})
    return figures


def _expand(app: App) -> dict[str, Any]:
    with app.sessions() as session:
        author = session.scalar(select(Person.id).limit(1))
        now = app.clock.now()
        pub = Publication(kind="news", category="info", title="Benchmark news", body="Hello", author_id=author,
                          audience={"types": None, "areas": None}, status="draft", reach="chairs",
                          expires_at=now + timedelta(days=7), created_at=now)
        session.add(pub)
        session.commit()
        started = time.perf_counter()
        publishing.send(session, app.env, pub, "bench")
        session.commit()
        elapsed = time.perf_counter() - started
        rows = session.scalar(select(func.count()).select_from(Delivery)
                              .where(Delivery.kind == publishing.MESSAGE_KIND)) or 0
    return {"rows": rows, "seconds": elapsed}


def _one(name: str, url: str | None, folder: Path, partnerships: int, people: int) -> dict[str, Any]:
    database = None
    if url is None:
        from tests.harness.databases import PostgresDatabase
        database = PostgresDatabase()
        url = database.url
    rules = folder / "everyone.toml"
    rules.write_text(EVERYONE_RULES, encoding="utf-8")
    settings = Settings(database_url=url, var_dir=str(folder / "var"), outbound=f"maildir:{folder / 'outbox'}",
                        domain="pep.bench", secret_key="bench-secret-key-0123456789", rules_file=str(rules),
                        queue_namespace=f"pep-bench-{uuid.uuid4().hex[:6]}")
    app = build_app(settings, SystemClock())
    try:
        upgrade(app.db)
        _populate(app, partnerships, people)
        figures = _resolve(app)
        expansion = _expand(app)
    finally:
        app.close()
        if database is not None:
            database.drop()
    figures.append({"name": f"expand one publication into {expansion['rows']} delivery rows (gate, fan-out, commit)",
                    "value": round(expansion["seconds"], 2), "unit": "s"})
    figures.append({"name": "delivery rows per second", "value": round(expansion["rows"] / expansion["seconds"]),
                    "unit": "/s"})
    return {"workload": "audience", "variant": name, "n": people, "figures": figures}


def run(quick: bool = False) -> list[dict[str, Any]]:
    partnerships, people = (500, 10_000) if quick else (5_000, 100_000)
    results = []
    with tempfile.TemporaryDirectory(prefix="pep-bench-") as tmp:
        variants: list[tuple[str, str | None]] = [("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}")]
        try:
            import socket
            socket.create_connection(("127.0.0.1", 5432), 1).close()
            variants.append(("postgresql", None))
        except OSError:
            pass
        for index, (name, url) in enumerate(variants):
            folder = Path(tmp) / str(index)
            folder.mkdir()
            results.append(_one(name, url, folder, partnerships, people))
    return results
