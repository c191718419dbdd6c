"""The scheduler loop of `pep scheduler` and `pep serve`: a tick every PEP_SCHEDULER_SECONDS."""
from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from engine.scheduler.tick import run_tick

if TYPE_CHECKING:
    from engine.app import App

log = logging.getLogger(__name__)


class SchedulerLoop:
    """Ticks in a thread until stopped; an outage only skips a tick (the next one does what was due)."""

    def __init__(self, app: "App") -> None:
        self.app = app
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ticks = 0

    def _run(self) -> None:
        while True:
            try:
                run_tick(self.app)
            except Exception:  # noqa: BLE001 - the loop must survive a database outage or a failing job
                log.warning("tick failed (the job's error is logged above); trying again next time")
            self.ticks += 1
            if self._stop.wait(self.app.settings.scheduler_seconds):
                return

    def start(self) -> "SchedulerLoop":
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def wait(self) -> None:
        """Block until stopped (for `pep scheduler` in the foreground)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(1)
