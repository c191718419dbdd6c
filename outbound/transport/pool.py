"""A bounded pool of reusable connections, checked out by one thread at a time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, Protocol, TypeVar


class Poolable(Protocol):
    """What the pool needs to know about a connection."""

    broken: bool
    transactions: int

    def close(self) -> None: ...


C = TypeVar("C", bound=Poolable)


class PoolTimeout(Exception):
    """Every connection stayed busy for longer than the wait allowed."""


class PoolClosed(Exception):
    """The pool was closed; no further connections are handed out."""


class ConnectionPool(Generic[C]):
    """Up to ``size`` connections, reused until broken, used ``max_uses`` times or idle too long.

    Opening a connection happens outside the lock so that a slow server does not stall
    threads that could use an idle connection. The idle list is last-in-first-out: under
    light load a few connections stay warm and the others age out.
    """

    def __init__(
        self,
        open_connection: Callable[[], C],
        *,
        size: int,
        wait_timeout: float,
        max_uses: int,
        idle_timeout: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if size < 1:
            raise ValueError(f"the pool needs at least one connection, not {size}")
        if max_uses < 1:
            raise ValueError(f"a connection must carry at least one message, not {max_uses}")
        self._open = open_connection
        self._slots = threading.BoundedSemaphore(size)
        self._wait_timeout = wait_timeout
        self._max_uses = max_uses
        self._idle_timeout = idle_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._idle: list[tuple[float, C]] = []
        self._closed = False
        self.opened = 0

    @contextmanager
    def connection(self) -> Iterator[C]:
        """Lend a connection for the duration of the ``with`` block."""
        if not self._slots.acquire(timeout=self._wait_timeout):
            raise PoolTimeout(f"no connection became free within {self._wait_timeout:g} s")
        try:
            connection = self._take_idle() or self._open_new()
            try:
                yield connection
            finally:
                self._give_back(connection)
        finally:
            self._slots.release()

    def close(self) -> None:
        """Close idle connections now and busy ones when they are given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for _since, connection in idle:
            connection.close()

    def _take_idle(self) -> C | None:
        expired: list[C] = []
        found: C | None = None
        with self._lock:
            if self._closed:
                raise PoolClosed("the transport has been closed")
            now = self._clock()
            while self._idle:
                since, connection = self._idle.pop()
                if now - since <= self._idle_timeout:
                    found = connection
                    break
                expired.append(connection)
        for connection in expired:
            connection.close()
        return found

    def _open_new(self) -> C:
        connection = self._open()
        with self._lock:
            self.opened += 1
        return connection

    def _give_back(self, connection: C) -> None:
        keep = not connection.broken and connection.transactions < self._max_uses
        if keep:
            with self._lock:
                if not self._closed:
                    self._idle.append((self._clock(), connection))
                    return
        connection.close()
