"""Sending through an SMTP relay over a pool of reused, thread-safe connections."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable

from outbound.transport import replies
from outbound.transport.base import SendResult
from outbound.transport.connection import ConnectError, SmtpConnection, StaleConnection, open_connection
from outbound.transport.pool import ConnectionPool, PoolClosed, PoolTimeout
from outbound.transport.ratelimit import RateLimiter, RateLimits
from outbound.transport.replies import Stage
from outbound.transport.settings import Security, SmtpSettings


class SmtpTransport:
    """A Transport that relays each message through an SMTP server.

    ``connections`` bounds how many connections are open at once; senders beyond that wait
    up to ``timeout`` seconds for one. A connection is replaced after an error, after
    ``messages_per_connection`` transactions or after ``idle_timeout`` seconds unused.
    With ``rate_limit``, a send that would exceed it waits when the wait is at most
    ``max_rate_wait`` seconds and is otherwise deferred (temporary, with retry_after).
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        helo: str,
        security: Security = "starttls",
        username: str | None = None,
        password: str | None = None,
        connections: int = 4,
        timeout: float = 30.0,
        rate_limit: RateLimits | None = None,
        messages_per_connection: int = 1000,
        idle_timeout: float = 30.0,
        max_rate_wait: float = 1.0,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = SmtpSettings(
            host=host,
            port=port,
            helo=helo,
            security=security,
            username=username,
            password=password,
            timeout=timeout,
            ssl_context=ssl_context,
        )
        self._connections = connections
        self._pool: ConnectionPool[SmtpConnection] = ConnectionPool(
            lambda: open_connection(self.settings),
            size=connections,
            wait_timeout=timeout,
            max_uses=messages_per_connection,
            idle_timeout=idle_timeout,
            clock=clock,
        )
        self._limiter = RateLimiter(rate_limit, clock) if rate_limit is not None else None
        self._max_rate_wait = max_rate_wait
        self._sleep = sleep

    @property
    def connections_opened(self) -> int:
        """How many SMTP connections this transport has opened so far."""
        return self._pool.opened

    def send(self, envelope_from: str, recipient: str, data: bytes) -> SendResult:
        """Relay one message to one recipient; never raises for network or server trouble."""
        deferral = self._wait_for_rate_limit(recipient)
        if deferral is not None:
            return deferral
        # Each idle connection may turn out to have been closed by the server while it
        # waited; that is found at MAIL, before anything was sent, so another try is
        # safe. A freshly opened connection never raises StaleConnection, which bounds the loop.
        stale_detail = ""
        for _attempt in range(self._connections + 1):
            try:
                with self._pool.connection() as connection:
                    return connection.deliver(envelope_from, recipient, data)
            except StaleConnection as stale:
                stale_detail = str(stale)
            except ConnectError as error:
                return replies.failed(Stage.CONNECT, str(error))
            except (PoolTimeout, PoolClosed) as error:
                return replies.failed(Stage.CONNECT, str(error))
        return replies.failed(Stage.MAIL, stale_detail)

    def close(self) -> None:
        """Say QUIT on idle connections; busy ones are closed as their senders finish."""
        self._pool.close()

    def _wait_for_rate_limit(self, recipient: str) -> SendResult | None:
        if self._limiter is None:
            return None
        while (wait := self._limiter.reserve(recipient)) > 0:
            if wait > self._max_rate_wait:
                return replies.deferred(f"rate limit reached; retry in {wait:.1f} s", retry_after=wait)
            self._sleep(wait)
        return None
