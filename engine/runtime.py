"""Start and stop PEP's moving parts in one process: intake, workers and the sweeper."""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import dramatiq

from engine.app import App
from engine.audit_chain import seal
from engine.queue.sweeper import sweep
from engine.scheduler.loop import SchedulerLoop
from engine.services.broadcasts import wake_broadcasts
from inbound.handlers import accepted_kinds
from inbound.server import IntakeServer
from inbound.smtp_intake import IntakeHandler
from inbound.store import store_and_commit

log = logging.getLogger(__name__)


def split_listen(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    return host or "127.0.0.1", int(port)


def check_rules_at_start(app: App) -> None:
    """Refuse to start with a rules file that does not load, or names what PEP does not know."""
    from engine.services.rulebook import checked_rules
    with app.sessions() as session:
        checked_rules(session, app.settings)


class Runtime:
    """What `pep serve` (all parts), `pep smtpd` (intake) and `pep worker` (workers) run."""

    def __init__(self, app: App, intake: bool = True, workers: bool = True, sweeper: bool = True,
                 scheduler: bool = False) -> None:
        self.app = app
        self.want_intake, self.want_workers, self.want_sweeper = intake, workers, sweeper
        self.want_scheduler = scheduler
        self.scheduler: SchedulerLoop | None = None
        self.intake: IntakeServer | None = None
        self.worker: dramatiq.Worker | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def _store(self, raw: bytes, mail_from: str, recipients: list[str]) -> list[int]:
        return store_and_commit(self.app.sessions, raw, mail_from, recipients, "smtp", self.app.clock.now())

    def sweep_once(self) -> dict[str, int]:
        counts = sweep(self.app.sessions, self.app.clock.now(), self.app.claim_timeout, self.app.enqueue,
                       recent=self.app.recent.recent)
        counts["outbound_batch"] = wake_broadcasts(self.app)
        with self.app.sessions() as session:
            counts["audit_sealed"] = seal(session, self.app.clock.now(),
                                          timedelta(seconds=self.app.settings.audit_settle_seconds))
            session.commit()
        return counts

    def _sweep_loop(self) -> None:
        while not self._stop.wait(self.app.settings.sweep_seconds):
            try:
                self.sweep_once()
            except Exception:  # noqa: BLE001 - an outage must not kill the sweeper; it tries again
                log.exception("sweep failed")

    def start(self) -> "Runtime":
        check_rules_at_start(self.app)
        # A template that does not compile, or a bad DKIM key, stops PEP now, naming the file.
        self.app.renderer.validate()
        self.app.dkim  # noqa: B018 - loads and checks the DKIM key now, not on the first send
        if self.want_workers:
            self.worker = dramatiq.Worker(self.app.broker, worker_threads=self.app.settings.worker_threads,
                                          worker_timeout=100)
            self.worker.start()
        if self.want_sweeper:
            self.sweep_once()
            self._sweeper = threading.Thread(target=self._sweep_loop, name="sweeper", daemon=True)
            self._sweeper.start()
        if self.want_scheduler:
            self.scheduler = SchedulerLoop(self.app).start()
        if self.want_intake:
            self._executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="intake-store")
            handler = IntakeHandler(self.app.settings.domain, accepted_kinds(), self._store, self._executor)
            host, port = split_listen(self.app.settings.smtp_listen)
            self.intake = IntakeServer(handler, host, port, self.app.settings.max_message_bytes,
                                       hostname=self.app.settings.domain).start()
        return self

    def stop(self) -> None:
        """Stop taking mail first, then let workers finish what they hold."""
        self._stop.set()
        if self.intake is not None:
            self.intake.stop()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        if self.worker is not None:
            self.worker.stop(timeout=30_000)
        if self._sweeper is not None:
            self._sweeper.join(5)
        if self.scheduler is not None:
            self.scheduler.stop()
