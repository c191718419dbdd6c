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
from inbound.parse import parse_message
from inbound.process import process_inbound
from inbound.store import store_and_commit
from outbound.deliver import deliver_kept
from bench.common import bench_settings, machine_busy_seconds, named_cpu_seconds, wait_for_count
from bench.pep_processes import PepProcess, settings_environment
from bench.workloads.isa_roundtrip import _variants

CLIENTS = 4
WORKERS = 2  # `pep worker` processes beside one `pep smtpd` (PostgreSQL and Redis): one per core here
MEMBERS = 20
PHOTO_BYTES = 200_000
STAGE_REPORTS = 40
REPORT_ADDRESS = "incident@pep.bench"


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


def _message(sender: str, image: bytes) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, REPORT_ADDRESS, "Incident"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@bench.example>"
    message.set_content("When: today 3pm\nWhere: Bench East, outside the shop\nWho: tall man, red coat\n\n"
                        "He threatened the cashier and left towards the station.\n")
    message.add_attachment(image, maintype="image", subtype="jpeg", filename="cctv.jpg")
    return message


def _wire(sender: str, image: bytes) -> bytes:
    """The report as it travels (CRLF lines), its Message-ID unique each time it is called."""
    message = _message(sender, image)
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def _send(port: int, batch: list[str], image: bytes) -> None:
    # The client shares the two cores with PEP and its database: each sender's report is built once and
    # sent with a fresh Message-ID, so that the load generator costs a little over 2 ms per report
    # instead of the 10 ms that building each one with the email package did.
    built = {sender: _wire(sender, image) for sender in set(batch)}
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
        for sender in batch:
            raw = built[sender].replace(b"@bench.example>", b"." + uuid.uuid4().hex.encode() + b"@bench.example>", 1)
            smtp.sendmail(sender, [REPORT_ADDRESS], raw)


def _send_all(port: int, senders: list[str], image: bytes) -> float:
    """Send one report per sender over CLIENTS connections; seconds taken, building included."""
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda b: _send(port, b, image), [senders[i::CLIENTS] for i in range(CLIENTS)]))
    return time.perf_counter() - started


def _wait_done(app: Any, n: int) -> None:
    """Until `n` reports in all are stored and both messages of each are recorded sent."""
    wait_for_count(app, select(func.count()).select_from(Report), n)
    wait_for_count(app, select(func.count()).select_from(Delivery).where(
        Delivery.kind.in_(("member.report.ack", "police.report.new")), Delivery.status == "sent"), 2 * n)


def _stages(app: Any, senders: list[str], image: bytes) -> dict[str, float]:
    """CPU milliseconds per report in each stage, one thread, no other work in the process: stored rows are
    processed and their messages sent as a worker does, and the same raw messages are parsed again on their own."""
    received = app.clock.now()
    rows = [store_and_commit(app.sessions, _message(sender, image).as_bytes(), sender, [REPORT_ADDRESS], "smtp",
                             received)[0] for sender in senders]
    spent = {"inbound processing (all steps, handler, commits)": 0.0, "of which parse": 0.0,
             "acknowledgement and team copy with the photo (claim, render, compose, Maildir, record)": 0.0}
    for row_id in rows:
        started = time.thread_time()
        kept = process_inbound(app, row_id)
        spent["inbound processing (all steps, handler, commits)"] += time.thread_time() - started
        started = time.thread_time()
        deliver_kept(app, kept)
        spent["acknowledgement and team copy with the photo (claim, render, compose, Maildir, record)"] += (
            time.thread_time() - started)
        with app.sessions() as session:
            raw = session.scalar(select(InboundMessage.raw).where(InboundMessage.id == row_id))
        started = time.thread_time()
        parse_message(raw or b"")
        spent["of which parse"] += time.thread_time() - started
    with app.sessions() as session:
        sent = session.scalar(select(func.count()).select_from(Delivery).join(Report, Report.id == Delivery.report_id)
                              .where(Report.inbound_message_id.in_(rows), Delivery.status == "sent"))
    if sent != 2 * len(rows):
        raise RuntimeError(f"{sent} of the {2 * len(rows)} messages of the stage reports were sent")
    return {name: 1000 * seconds / len(rows) for name, seconds in spent.items()}


def _in_one_process(app: Any, settings: Any, senders: list[str], image: bytes) -> tuple[dict[str, float], Any]:
    """SQLite as `pep serve` runs it: intake and workers in one process (this one). Seconds of each phase, and a
    fresh app for the stages (as a worker process would start)."""
    n, timing = len(senders), {}
    # 1. End to end.
    runtime = Runtime(app).start()
    assert runtime.intake is not None
    try:
        began = time.perf_counter()
        timing["accept_busy"] = _send_all(runtime.intake.port, senders, image)
        wait_for_count(app, select(func.count()).select_from(Report), n)
        timing["stored"] = time.perf_counter() - began
        _wait_done(app, n)
        timing["end_to_end"] = time.perf_counter() - began
    finally:
        runtime.stop()
    # 2. Each part alone: intake with no workers; then workers (and the sweeper, which finds the rows) alone.
    intake_only = Runtime(app, workers=False, sweeper=False).start()
    assert intake_only.intake is not None
    try:
        timing["accept_alone"] = _send_all(intake_only.intake.port, senders, image)
    finally:
        intake_only.stop()
    worker_app = build_app(settings, SystemClock())
    cpu_before, began = time.process_time(), time.perf_counter()
    workers = Runtime(worker_app, intake=False).start()
    try:
        _wait_done(worker_app, 2 * n)
        timing["processing_alone"] = time.perf_counter() - began
        timing["processing_cpu"] = time.process_time() - cpu_before
    finally:
        workers.stop()
    return timing, worker_app


def _in_processes(app: Any, settings: Any, senders: list[str], image: bytes, folder: Path) -> dict[str, float]:
    """PostgreSQL and Redis as a distributed deployment runs them: `pep smtpd` and WORKERS `pep worker` processes,
    so that intake and each worker have their own interpreter (and GIL). Seconds of each phase."""
    n, timing, env = len(senders), {}, settings_environment(settings, folder)
    smtpd = PepProcess("smtpd", env, folder / "smtpd.log").ready()
    try:
        workers = [PepProcess("worker", env, folder / f"worker{i}.log") for i in range(WORKERS)]
        try:
            for worker in workers:
                worker.ready()
            # 1. End to end.
            intake_cpu, worker_cpu = smtpd.cpu_seconds(), sum(w.cpu_seconds() for w in workers)
            machine, database = machine_busy_seconds(), named_cpu_seconds("postgres")
            began = time.perf_counter()
            timing["accept_busy"] = _send_all(smtpd.port, senders, image)
            wait_for_count(app, select(func.count()).select_from(Report), n)
            timing["stored"] = time.perf_counter() - began
            _wait_done(app, n)
            timing["end_to_end"] = time.perf_counter() - began
            timing["intake_cpu_busy"] = smtpd.cpu_seconds() - intake_cpu
            timing["worker_cpu_busy"] = sum(w.cpu_seconds() for w in workers) - worker_cpu
            timing["machine_cpu_busy"] = machine_busy_seconds() - machine
            timing["database_cpu_busy"] = named_cpu_seconds("postgres") - database
        finally:
            for worker in workers:
                worker.stop()
        # 2. Each part alone: intake with no workers running; then the workers alone (their sweepers find the rows).
        intake_cpu = smtpd.cpu_seconds()
        timing["accept_alone"] = _send_all(smtpd.port, senders, image)
        timing["intake_cpu"] = smtpd.cpu_seconds() - intake_cpu
    finally:
        smtpd.stop()
    workers = [PepProcess("worker", env, folder / f"worker{i}b.log") for i in range(WORKERS)]
    try:
        # Started together and timed from when the first is up: start-up (imports) is not processing.
        workers[0].ready()
        began, cpu_before = time.perf_counter(), sum(w.cpu_seconds() for w in workers)
        for worker in workers[1:]:
            worker.ready()
        _wait_done(app, 2 * n)
        timing["processing_alone"] = time.perf_counter() - began
        timing["processing_cpu"] = sum(w.cpu_seconds() for w in workers) - cpu_before
    finally:
        for worker in workers:
            worker.stop()
    return timing


def _one(name: str, overrides: dict[str, Any], folder: Path, n: int) -> dict[str, Any]:
    settings, drop = bench_settings(folder, overrides)
    app = build_app(settings, SystemClock())
    upgrade(app.db)
    members = _build(app)
    image = photo()
    senders = [members[i % len(members)] for i in range(n)]
    try:
        if settings.broker_url:
            timing = _in_processes(app, settings, senders, image, folder)
            worker_app = build_app(settings, SystemClock())
        else:
            timing, worker_app = _in_one_process(app, settings, senders, image)
        try:  # 3. Where the CPU goes, per report, with nothing else running.
            stages = _stages(worker_app, senders[:STAGE_REPORTS], image)
        finally:
            worker_app.close()
        with app.sessions() as session:
            refused = session.scalar(select(func.count()).select_from(InboundMessage).where(
                InboundMessage.classification != "incident"))
    finally:
        app.close()
        drop()
    if refused:
        raise RuntimeError(f"{refused} benchmark reports were not processed as incidents")
    figures = [
        {"name": "reports per second end to end (SMTP in, stored, acknowledged and routed, both messages sent)",
         "value": round(n / timing["end_to_end"], 1), "unit": "/s"},
        {"name": "reports per second to stored and routed (messages queued)", "value": round(n / timing["stored"], 1),
         "unit": "/s"},
        {"name": "SMTP accept rate while processing", "value": round(n / timing["accept_busy"], 1), "unit": "/s"},
        {"name": "SMTP accept rate alone (no workers)", "value": round(n / timing["accept_alone"], 1), "unit": "/s"},
        {"name": "processing rate alone (stored message to both messages sent)",
         "value": round(n / timing["processing_alone"], 1), "unit": "/s"},
        {"name": "processing CPU per report in the worker process(es)",
         "value": round(1000 * timing["processing_cpu"] / n, 1), "unit": "ms"},
    ] + [{"name": name, "value": round(1000 * timing[key] / n, 1), "unit": "ms"} for key, name in (
        ("intake_cpu", "CPU per report in pep smtpd, intake alone"),
        ("intake_cpu_busy", "CPU per report in pep smtpd, end to end"),
        ("worker_cpu_busy", "CPU per report in the pep worker processes, end to end"),
        ("database_cpu_busy", "CPU per report in the PostgreSQL server, end to end"),
        ("machine_cpu_busy", "CPU per report on the whole machine, end to end (PEP, database, Redis, load generator)"),
    ) if key in timing
    ] + [{"name": f"CPU per report: {stage}", "value": round(ms, 2), "unit": "ms"} for stage, ms in stages.items()]
    figures.append({"name": "photo size", "value": round(len(image) / 1000), "unit": "KB"})
    return {"workload": "reports", "variant": name, "n": n, "figures": figures}


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 40 if quick else 400
    results = []
    with tempfile.TemporaryDirectory(prefix="pep-bench-") as tmp:
        for index, (name, overrides) in enumerate(_variants(Path(tmp))):
            name += (f" (pep smtpd + {WORKERS} pep worker processes)" if "broker_url" in overrides
                     else " (one process, as pep serve)")
            folder = Path(tmp) / str(index)
            folder.mkdir()
            results.append(_one(name, overrides, folder, n))
    return results
