"""PEP's own processes for a benchmark (`pep smtpd`, `pep worker`), started with a variant's settings."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.common import cpu_seconds
from engine.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
READY = {"smtpd": re.compile(rb"SMTP intake on [^:\s]+:(\d+)"), "worker": re.compile(rb"workers running")}


def settings_environment(settings: Settings, folder: Path) -> dict[str, str]:
    """The environment that gives a `pep` process the same database, queue, domain, key and outbox."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PEP_")}
    if settings.broker_url:
        env["PEP_BROKER_URL"] = settings.broker_url
    return env | {
        "PEP_DATABASE_URL": settings.database_url, "PEP_VAR_DIR": settings.var_dir, "PEP_DOMAIN": settings.domain,
        "PEP_SECRET_KEY": settings.secret_key or "", "PEP_OUTBOUND": settings.outbound,
        "PEP_SMTP_LISTEN": "127.0.0.1:0", "PEP_QUEUE_NAMESPACE": settings.queue_namespace,
        "PEP_CONFIG": str(folder / "none.toml")}


class PepProcess:
    """One `pep MODE` process, started; `ready` waits until it serves. `port`: its SMTP port, for smtpd."""

    def __init__(self, mode: str, env: dict[str, str], log: Path) -> None:
        self.mode, self.log, self.port = mode, log, 0
        with log.open("wb") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "engine.cli.main", mode], env=env, cwd=ROOT,
                                            stdout=out, stderr=subprocess.STDOUT)

    def ready(self) -> "PepProcess":
        deadline = time.monotonic() + 60
        while (found := READY[self.mode].search(self.log.read_bytes())) is None:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"pep {self.mode} did not start:\n{self.log.read_text()}")
            time.sleep(0.02)
        if self.mode == "smtpd":
            self.port = int(found.group(1))
        return self

    def cpu_seconds(self) -> float:
        """User and system CPU the process has used so far."""
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
