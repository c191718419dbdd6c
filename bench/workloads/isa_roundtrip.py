"""Invitation-to-active round trips per second, through real SMTP into a running PEP."""
from __future__ import annotations

import smtplib
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from engine.app import build_app
from engine.clock import SystemClock
from engine.migrate import upgrade
from engine.models import Delivery, Partnership
from engine.runtime import Runtime
from engine.seed import seed_defaults
from engine.services.areas import add_area
from engine.services.partnerships import invite
from bench.common import bench_settings, wait_for_count

CLIENTS = 4


def _variants(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    variants = [("sqlite, in-process queue", {"database_url": f"sqlite:///{folder / 'bench.db'}"})]
    try:
        import socket
        socket.create_connection(("127.0.0.1", 5432), 1).close()
        socket.create_connection(("127.0.0.1", 6379), 1).close()
        variants.append(("postgresql, redis queue", {"database_url": "postgres",
                                                     "broker_url": "redis://127.0.0.1:6379/0"}))
    except OSError:
        pass
    return variants


def _reply(port: int, batch: list[tuple[str, str]]) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
        for chair, reply_to in batch:
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = chair, reply_to, "Re: agreement"
            message["Message-ID"] = f"<{uuid.uuid4().hex}@bench.example>"
            message.set_content("I agree.\n\nOn a day, PEP wrote:\n> Please reply I AGREE\n")
            smtp.send_message(message, from_addr=chair, to_addrs=[reply_to])


def _one(name: str, overrides: dict[str, Any], folder: Path, n: int) -> dict[str, Any]:
    settings, drop = bench_settings(folder, overrides)
    app = build_app(settings, SystemClock())
    upgrade(app.db)
    with app.sessions() as session:
        seed_defaults(session, app.env)
        add_area(session, app.env, "Benchshire")
        session.commit()
    runtime = Runtime(app).start()
    assert runtime.intake is not None
    try:
        started = time.perf_counter()
        with app.sessions() as session:
            for i in range(n):
                invite(session, app.env, f"Partnership {i}", "shopwatch", "Benchshire", f"chair{i}@bench.example")
            session.commit()
        sent = select(func.count()).select_from(Delivery).where(Delivery.kind == "chair.isa.invitation",
                                                                Delivery.status == "sent")
        wait_for_count(app, sent, n)
        invited = time.perf_counter()
        with app.sessions() as session:
            pairs = list(session.execute(select(Delivery.to_addr, Delivery.reply_token)
                                         .where(Delivery.kind == "chair.isa.invitation")).all())
        batches = [pairs[i::CLIENTS] for i in range(CLIENTS)]
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(lambda b: _reply(runtime.intake.port, b), batches))  # type: ignore[union-attr]
        wait_for_count(app, select(func.count()).select_from(Partnership).where(Partnership.status == "active"), n)
        wait_for_count(app, select(func.count()).select_from(Delivery).where(Delivery.kind == "chair.isa.welcome",
                                                                    Delivery.status == "sent"), n)
        finished = time.perf_counter()
    finally:
        runtime.stop()
        app.close()
        drop()
    total, reply_leg = finished - started, finished - invited
    return {"workload": "isa_roundtrip", "variant": name, "n": n, "figures": [
        {"name": "round trips per second (invite, send, reply over SMTP, activate, welcome)",
         "value": round(n / total, 1), "unit": "/s"},
        {"name": "reply leg per second (SMTP reply to welcome sent)", "value": round(n / reply_leg, 1), "unit": "/s"},
        {"name": "partnerships", "value": n, "unit": ""},
    ]}


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 40 if quick else 300
    results = []
    with tempfile.TemporaryDirectory(prefix="pep-bench-") as tmp:
        for index, (name, overrides) in enumerate(_variants(Path(tmp))):
            folder = Path(tmp) / str(index)
            folder.mkdir()
            results.append(_one(name, overrides, folder, n))
    return results
