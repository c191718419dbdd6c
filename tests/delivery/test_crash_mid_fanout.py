"""Killing `pep serve` in the middle of a 2,000-recipient fan-out loses nothing and records each once."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, insert, select

from engine.app import build_app
from engine.clock import SystemClock
from engine.migrate import upgrade
from engine.models import AuditEvent, Delivery, Person, Role
from engine.seed import seed_defaults
from engine.services.fanout import fan_out
from engine.settings import Settings
from tests.conftest import wait_until
from tests.harness.kinds import kinds_folder, notice_values
from tests.support.fixtures import smtp_sink  # noqa: F401 - the sink PEP sends to
from tests.support.smtp_sink import SmtpSink

RECIPIENTS = 2_000
ROOT = Path(__file__).resolve().parents[2]
MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)", re.MULTILINE | re.IGNORECASE)


def environment(tmp_path: Path, sink_port: int) -> dict[str, str]:
    return os.environ | {
        "PEP_DATABASE_URL": f"sqlite:///{tmp_path / 'pep.db'}", "PEP_VAR_DIR": str(tmp_path / "var"),
        "PEP_SECRET_KEY": "crash-test-secret-key-0123456789", "PEP_DOMAIN": "pep.test",
        "PEP_SMTP_LISTEN": "127.0.0.1:0", "PEP_OUTBOUND": f"smtp+plain://127.0.0.1:{sink_port}",
        "PEP_TEMPLATES_DIR": str(kinds_folder(tmp_path / "templates")), "PEP_CLAIM_TIMEOUT_SECONDS": "3",
        "PEP_SWEEP_SECONDS": "1", "PEP_DELIVERY_BATCH_SIZE": "50", "PEP_CONFIG": str(tmp_path / "none.toml")}


def serve(env: dict[str, str], tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen([sys.executable, "-m", "engine.cli.main", "serve"], env=env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)


def test_sigkill_mid_fanout_then_restart_sends_every_delivery(tmp_path: Path, smtp_sink: SmtpSink) -> None:  # noqa: F811
    # Given a database with 2,000 members and a broadcast to all of them, queued but not yet sent
    env = environment(tmp_path, smtp_sink.port)
    settings = Settings(database_url=env["PEP_DATABASE_URL"], var_dir=env["PEP_VAR_DIR"],
                        secret_key=env["PEP_SECRET_KEY"], domain="pep.test")
    app = build_app(settings, SystemClock())
    upgrade(app.db)
    now = app.clock.now()
    with app.sessions() as session:
        seed_defaults(session, app.env)
        session.execute(insert(Person), [{"email": f"m{i}@shop.example", "name": f"Member {i}", "created_at": now}
                                         for i in range(RECIPIENTS)])
        people = session.scalars(select(Person.id)).all()
        session.execute(insert(Role), [{"person_id": p, "role": "member", "started_at": now} for p in people])
        broadcast = fan_out(session, app.env, "member.notice", notice_values(3), select(Person.id)).id
        session.commit()

    def count(*status: str) -> int:
        with app.sessions() as session:
            return session.scalar(select(func.count()).select_from(Delivery).where(
                Delivery.broadcast_id == broadcast, Delivery.status.in_(status))) or 0

    # When `pep serve` starts sending and is killed (SIGKILL) once a few hundred messages have arrived
    first = serve(env, tmp_path, "first")
    try:
        wait_until(lambda: len(smtp_sink.messages) >= 400 or first.poll() is not None, timeout=60)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    in_flight = count("sending")
    assert 0 < count("sent") < RECIPIENTS, (tmp_path / "first.log").read_text()
    # And is started again, and left to finish
    second = serve(env, tmp_path, "second")
    try:
        wait_until(lambda: count("sent") == RECIPIENTS or second.poll() is not None, timeout=90)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    # Then every delivery is sent: its row says so once
    assert count("sent") == RECIPIENTS, (tmp_path / "second.log").read_text()[-3000:]
    with app.sessions() as session:
        ids = session.scalars(select(Delivery.id).where(Delivery.broadcast_id == broadcast)).all()
        audited = Counter(session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "delivery.sent")))
        expected = set(session.scalars(select(Delivery.message_id).where(Delivery.broadcast_id == broadcast)))
    app.close()
    # Every delivery's sending is audited; one sent again after the kill is audited again, and those are
    # bounded like the duplicates at the relay: by the deliveries in flight at the kill
    assert all(audited[i] >= 1 for i in ids) and len(audited) == RECIPIENTS
    assert sum(n - 1 for n in audited.values()) <= in_flight, [(i, n) for i, n in audited.items() if n > 1][:5]
    # And every message arrived, with no more duplicates than messages were in flight at the kill
    time.sleep(0.5)
    arrived = Counter(MESSAGE_ID.search(m.data)[1].decode() for m in smtp_sink.messages)  # type: ignore[index]
    assert set(arrived) == expected
    duplicates = sum(arrived.values()) - RECIPIENTS
    assert 0 <= duplicates <= in_flight, (duplicates, in_flight)
