"""Sliding-window message rate limits at SMTP intake: per sender address, per client IP and overall."""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

from engine.settings import Settings

# Written here rather than taken from a library: the limiters on PyPI either block (sleep until a slot is
# free, which would stall the event loop) or need Redis per message; this is a few dict and deque operations.


@dataclass
class SlidingWindow:
    """At most `limit` events per key in any `window` seconds; a limit of 0 means no limit.

    Memory is bounded by the keys seen within one window: idle keys are dropped as the window moves on.
    """

    limit: int
    window: float
    _events: dict[str, deque[float]] = field(default_factory=dict)
    _next_prune: float = 0.0

    def full(self, key: str, now: float) -> bool:
        if self.limit <= 0:
            return False
        events = self._events.get(key)
        if events is None:
            return False
        while events and events[0] <= now - self.window:
            events.popleft()
        return len(events) >= self.limit

    def add(self, key: str, now: float) -> None:
        if self.limit <= 0:
            return
        self._events.setdefault(key, deque()).append(now)
        if now >= self._next_prune:
            self._prune(now)

    def _prune(self, now: float) -> None:
        cutoff = now - self.window
        for key in [k for k, events in self._events.items() if not events or events[-1] <= cutoff]:
            del self._events[key]
        self._next_prune = now + self.window


@dataclass(frozen=True)
class RateSettings:
    """The limits, from PEP_INTAKE_RATE_*; 0 switches one off."""

    window_seconds: int = 60
    per_sender: int = 0
    per_client: int = 0
    overall: int = 0


class IntakeRateLimits:
    """Decides, inside the event loop and without blocking, whether one more message may be taken.

    Counters live in the intake process: with several intake processes each applies the limits on its own.
    A message refused here is not counted, so a sender who waits gets through as soon as the window allows.
    """

    def __init__(self, limits: RateSettings, now: Callable[[], float] = time.monotonic) -> None:
        window = float(max(1, limits.window_seconds))
        self._sender = SlidingWindow(limits.per_sender, window)
        self._client = SlidingWindow(limits.per_client, window)
        self._overall = SlidingWindow(limits.overall, window)
        self._now = now

    def admit(self, mail_from: str, client_ip: str) -> bool:
        """True (and counted) if a message from `mail_from` via `client_ip` is within every limit."""
        now = self._now()
        # The null sender (bounces) is shared by every MTA on earth: only the client and overall limits apply.
        sender = mail_from.strip().lower()
        checks = [(self._overall, "*"), (self._client, client_ip or "local")]
        if sender:
            checks.append((self._sender, sender))
        if any(window.full(key, now) for window, key in checks):
            return False
        for window, key in checks:
            window.add(key, now)
        return True


def intake_rate_limits(settings: Settings) -> IntakeRateLimits | None:
    """The limits PEP_INTAKE_RATE_* ask for, or None when every one is switched off."""
    limits = RateSettings(settings.intake_rate_window_seconds, settings.intake_rate_per_sender,
                          settings.intake_rate_per_client, settings.intake_rate_global)
    if not (limits.per_sender or limits.per_client or limits.overall):
        return None
    return IntakeRateLimits(limits)
