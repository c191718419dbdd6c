"""Incident reports with a 200 KB photo per second, end to end: SMTP in, stored, acknowledged, routed, both sent."""
from __future__ import annotations

import io
import os
import smtplib
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import func, select

from engine.app import build_app
from engine.clock import SystemClock
from engine.migrate import upgrade
from engine.models import Delivery, InboundMessage, Report
from engine.runtime import Runtime
from engine.seed import seed_defaults
from engine.services.areas import add_area, find_area
from engine.services.teams import add_team
from bench.common import bench_settings, wait_for_count
from bench.workloads.isa_roundtrip import _variants

CLIENTS = 4
MEMBERS = 20
PHOTO_BYTES = 200_000


def photo() -> bytes:
    """A real JPEG of about 200 KB (noise does not compress), so sniffing and measuring see a real image."""
    side = 260
    while True:
        out = io.BytesIO()
        Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "JPEG", quality=90)
        if out.tell() >= PHOTO_BYTES:
            return out.getvalue()
        side += 20


def _build(app: Any) -> list[str]:
    from tests.harness.force import partnership
    with app.sessions() as session:
        seed_defaults(session, app.env)
        add_area(session, app.env, "Benchshire")
        add_area(session, app.env, "Bench East", "Benchshire")
        partnership(session, app.env, "Bench Pubwatch", "pubwatch", "Bench East", members=MEMBERS)
        add_team(session, app.env, "Bench East Team", "east-team@police.bench", find_area(session, "Bench East"), False)
        add_team(session, app.env, "Intelligence Unit", "intel@police.bench", None, True)
        session.commit()
    return [f"m{i}@bench-pubwatch.example" for i in range(MEMBERS)]


def _send(port: int, batch: list[str], image: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
        for sender in batch:
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = sender, "incident@pep.bench", "Incident"
            message["Message-ID"] = f"<{uuid.uuid4().hex}@bench.example>"
            message.set_content("When: today 3pm\nWhere: Bench East, outside the shop\nWho: tall man, red coat\n\n"
                                "He threatened the cashier and left towards the station.\n")
            message.add_attachment(image, maintype="image", subtype="jpeg", filename="cctv.jpg")
            smtp.send_message(message, from_addr=sender, to_addrs=["incident@pep.bench"])


def _one(name: str, overrides: dict[str, Any], folder: Path, n: int) -> dict[str, Any]:
    settings, drop = bench_settings(folder, overrides)
    app = build_app(settings, SystemClock())
    upgrade(app.db)
    members = _build(app)
    image = photo()
    runtime = Runtime(app).start()
    assert runtime.intake is not None
    try:
        senders = [members[i % len(members)] for i in range(n)]
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(lambda b: _send(runtime.intake.port, b, image),  # type: ignore[union-attr]
                          [senders[i::CLIENTS] for i in range(CLIENTS)]))
        accepted = time.perf_counter()
        wait_for_count(app, select(func.count()).select_from(Report), n)
        stored = time.perf_counter()
        wait_for_count(app, select(func.count()).select_from(Delivery).where(
            Delivery.kind.in_(("member.report.ack", "police.report.new")), Delivery.status == "sent"), 2 * n)
        finished = time.perf_counter()
        with app.sessions() as session:
            refused = session.scalar(select(func.count()).select_from(InboundMessage).where(
                InboundMessage.classification != "incident"))
    finally:
        runtime.stop()
        app.close()
        drop()
    if refused:
        raise RuntimeError(f"{refused} benchmark reports were not processed as incidents")
    return {"workload": "reports", "variant": name, "n": n, "figures": [
        {"name": "reports per second end to end (SMTP in, stored, acknowledged and routed, both messages sent)",
         "value": round(n / (finished - started), 1), "unit": "/s"},
        {"name": "reports per second to stored and routed (messages queued)", "value": round(n / (stored - started), 1),
         "unit": "/s"},
        {"name": "SMTP accept rate", "value": round(n / (accepted - started), 1), "unit": "/s"},
        {"name": "photo size", "value": round(len(image) / 1000), "unit": "KB"},
    ]}


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 40 if quick else 400
    results = []
    with tempfile.TemporaryDirectory(prefix="pep-bench-") as tmp:
        for index, (name, overrides) in enumerate(_variants(Path(tmp))):
            folder = Path(tmp) / str(index)
            folder.mkdir()
            results.append(_one(name, overrides, folder, n))
    return results
