"""Run an aiosmtpd SMTP (or LMTP) server in its own thread and event loop, on a given or free port."""
from __future__ import annotations

import asyncio
import threading
from typing import Any

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP


class IntakeServer:
    """A listening intake; `port` is known once `start()` returns (port 0 picks a free one)."""

    def __init__(self, handler: Any, host: str, port: int, data_size_limit: int, hostname: str,
                 lmtp: bool = False) -> None:
        self.handler = handler
        self.host = host
        self.port = port
        self.data_size_limit = data_size_limit
        self.hostname = hostname
        self.lmtp = lmtp
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def _factory(self) -> SMTP:
        protocol = LMTP if self.lmtp else SMTP
        return protocol(self.handler, data_size_limit=self.data_size_limit, enable_SMTPUTF8=True,
                        decode_data=False, hostname=self.hostname, ident="PEP intake")

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            self._server = loop.run_until_complete(loop.create_server(self._factory, self.host, self.port))
            self.port = self._server.sockets[0].getsockname()[1]
        except BaseException as exc:  # noqa: BLE001 - reported to the thread that called start()
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            self._server.close()
            loop.run_until_complete(self._server.wait_closed())
            loop.close()

    def start(self) -> "IntakeServer":
        self._thread = threading.Thread(target=self._run, name=f"intake-{self.port}", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        """Stop accepting connections; sessions in progress are cut (their senders retry)."""
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
