"""Sliding-window limits on how fast messages leave, overall and per recipient domain."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

_SECOND = 1.0
_MINUTE = 60.0


@dataclass(frozen=True)
class RateLimits:
    """At most ``global_per_second`` messages in any second and ``per_domain_per_minute``
    to one recipient domain in any minute; None means no limit."""

    global_per_second: int | None = None
    per_domain_per_minute: int | None = None

    def __post_init__(self) -> None:
        for name in ("global_per_second", "per_domain_per_minute"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"{name} must be a positive whole number or None, not {value!r}")


class RateLimiter:
    """Thread-safe sliding-window log of recent sends.

    A fixed window would let twice the limit through around a window boundary; the
    log of timestamps is exact and small (at most the limit per key).
    """

    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self._limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._recent: deque[float] = deque()
        self._by_domain: dict[str, deque[float]] = {}
        self._last_sweep = clock()

    def reserve(self, recipient: str) -> float:
        """Record a send to ``recipient`` and return 0.0, or return the seconds to wait.

        Nothing is recorded when a wait is returned, so the caller simply asks again.
        """
        domain = recipient.rpartition("@")[2].lower()
        with self._lock:
            now = self._clock()
            self._sweep_domains(now)
            wait = 0.0
            if self._limits.global_per_second is not None:
                wait = _wait_for(self._recent, self._limits.global_per_second, _SECOND, now)
            domain_log = self._by_domain.get(domain)
            if self._limits.per_domain_per_minute is not None:
                if domain_log is None:
                    domain_log = self._by_domain[domain] = deque()
                wait = max(wait, _wait_for(domain_log, self._limits.per_domain_per_minute, _MINUTE, now))
            if wait > 0:
                return wait
            if self._limits.global_per_second is not None:
                self._recent.append(now)
            if domain_log is not None:
                domain_log.append(now)
            return 0.0

    def _sweep_domains(self, now: float) -> None:
        """Forget domains with no send in the last minute, so memory follows current traffic."""
        if now - self._last_sweep < _MINUTE:
            return
        self._last_sweep = now
        for domain in [d for d, log in self._by_domain.items() if not log or now - log[-1] >= _MINUTE]:
            del self._by_domain[domain]


def _wait_for(log: deque[float], limit: int, window: float, now: float) -> float:
    while log and now - log[0] >= window:
        log.popleft()
    if len(log) < limit:
        return 0.0
    return log[0] + window - now
