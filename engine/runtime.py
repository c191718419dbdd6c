"""Start and stop PEP's moving parts in one process: intake, workers and the sweeper."""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from datetime import timedelta
from typing import Callable

import dramatiq

from engine.app import App
from engine.audit_chain import seal
from engine.queue.sweeper import sweep
from engine.scheduler.loop import SchedulerLoop
from engine.services.broadcasts import wake_broadcasts
from inbound.group_commit import GroupCommitter
from inbound.handlers import accepted_kinds
from inbound.imap_poll import ImapPoller
from inbound.imap_url import parse_imap_url
from inbound.rate_limit import intake_rate_limits
from inbound.server import IntakeServer
from inbound.smtp_intake import IntakeHandler
from inbound.tls import server_tls_context

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
    """What `pep serve` (all parts), `pep smtpd|lmtpd|imap` (one intake), `pep worker` and `pep scheduler` run."""

    def __init__(self, app: App, intake: bool = True, workers: bool = True, sweeper: bool = True,
                 lmtp: bool = False, imap: bool | None = None, scheduler: bool = False) -> None:
        self.app = app
        self.want_intake, self.want_workers, self.want_sweeper = intake, workers, sweeper
        self.want_scheduler = scheduler
        self.scheduler: SchedulerLoop | None = None
        self.want_lmtp = lmtp
        # IMAP runs wherever SMTP intake runs when a mailbox is configured (`pep serve`), or on its own.
        want_imap = bool(app.settings.imap_url) and (intake if imap is None else imap)
        self.imap_target = parse_imap_url(app.settings.imap_url or "") if want_imap else None
        self.intake: IntakeServer | None = None
        self.lmtp: IntakeServer | None = None
        self.imap: ImapPoller | None = None
        self._imap_thread: threading.Thread | None = None
        self._committer: GroupCommitter | None = None
        self.worker: dramatiq.Worker | None = None
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def _submitter(self, source: str) -> Callable[[bytes, str, list[str]], Future[list[int]]]:
        def submit(raw: bytes, mail_from: str, recipients: list[str]) -> Future[list[int]]:
            assert self._committer is not None
            return self._committer.submit(raw, mail_from, recipients, source, self.app.clock.now())
        return submit

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
        # Read everything that can be wrong in the configuration before anything starts: the rules, the
        # templates (one that does not compile names its file), the DKIM key, the TLS certificate.
        check_rules_at_start(self.app)
        self.app.renderer.validate()
        self.app.dkim  # noqa: B018 - loads and checks the DKIM key now, not on the first send
        tls = server_tls_context(self.app.settings.tls_cert, self.app.settings.tls_key) if self.want_intake else None
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
        settings = self.app.settings
        if self.want_intake or self.want_lmtp:
            # Without workers here and without a shared broker, a wake-up would reach no one: the
            # sweeper of the process that runs workers finds the rows instead.
            wake = self.app.enqueue if self.want_workers or settings.broker_url else None
            self._committer = GroupCommitter(self.app.sessions, wake).start()
        if self.want_intake:
            handler = IntakeHandler(settings.domain, accepted_kinds(), self._submitter("smtp"),
                                    rate_limits=intake_rate_limits(settings))
            host, port = split_listen(settings.smtp_listen)
            self.intake = IntakeServer(handler, host, port, settings.max_message_bytes, hostname=settings.domain,
                                       tls_context=tls).start()
        if self.want_lmtp:
            handler = IntakeHandler(settings.domain, accepted_kinds(), self._submitter("lmtp"),
                                    rate_limits=intake_rate_limits(settings))
            if "/" in settings.lmtp_listen:
                self.lmtp = IntakeServer(handler, "", 0, settings.max_message_bytes, hostname=settings.domain,
                                         lmtp=True, unix_path=settings.lmtp_listen).start()
            else:
                host, port = split_listen(settings.lmtp_listen)
                self.lmtp = IntakeServer(handler, host, port, settings.max_message_bytes,
                                         hostname=settings.domain, lmtp=True).start()
        if self.imap_target is not None:
            self.imap = ImapPoller(self.imap_target, self.app.sessions, self.app.clock,
                                   settings.domain, settings.imap_processed_folder, settings.imap_poll_seconds,
                                   max_bytes=settings.max_message_bytes)
            self._imap_thread = threading.Thread(target=self.imap.run, args=(self._stop,), name="imap",
                                                 daemon=True)
            self._imap_thread.start()
        return self

    def stop(self) -> None:
        """Stop taking mail first, then let workers finish what they hold."""
        self._stop.set()
        if self.intake is not None:
            self.intake.stop()
        if self.lmtp is not None:
            self.lmtp.stop()
        if self._imap_thread is not None:
            self._imap_thread.join(35)
        if self._committer is not None:
            self._committer.stop()
        if self.worker is not None:
            self.worker.stop(timeout=30_000)
        if self._sweeper is not None:
            self._sweeper.join(5)
        if self.scheduler is not None:
            self.scheduler.stop()
