"""Remember what this process handed to the queue lately, so the sweeper does not flood it with copies."""
from __future__ import annotations

import threading
import time
from typing import Callable


class RecentlyEnqueued:
    """(queue, row id) pairs enqueued within the last `ttl` seconds (counting from when they are due)."""

    def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl_seconds
        self._clock = clock
        self._due: dict[tuple[str, int], float] = {}
        self._lock = threading.Lock()
        self._next_prune = 0.0

    def add(self, queue: str, row_id: int, delay_seconds: float = 0.0) -> None:
        now = self._clock()
        with self._lock:
            self._due[(queue, row_id)] = now + delay_seconds
            if now >= self._next_prune:
                self._prune(now)

    def recent(self, queue: str, row_id: int) -> bool:
        """True when the row was enqueued by this process and has not waited `ttl` past its due time."""
        with self._lock:
            due = self._due.get((queue, row_id))
        return due is not None and self._clock() - due < self.ttl

    def _prune(self, now: float) -> None:
        self._due = {key: due for key, due in self._due.items() if now - due < self.ttl}
        self._next_prune = now + max(1.0, self.ttl / 2)
