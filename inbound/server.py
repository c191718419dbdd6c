"""Run an aiosmtpd SMTP (or LMTP) server in its own thread and event loop, on a given or free port."""
from __future__ import annotations

import asyncio
import os
import ssl
import threading
from typing import Any

from aiosmtpd.smtp import SMTP

from inbound.lmtp import PerRecipientLMTP
from inbound.smtp_address import PlainAddresses
from inbound.smtp_data import BlockData


class IntakeSMTP(PlainAddresses, BlockData):
    """aiosmtpd's SMTP with PEP's quicker readings of addresses and DATA."""


class IntakeServer:
    """A listening intake; `port` is known once `start()` returns (port 0 picks a free one)."""

    def __init__(self, handler: Any, host: str, port: int, data_size_limit: int, hostname: str,
                 lmtp: bool = False, tls_context: ssl.SSLContext | None = None,
                 unix_path: str | None = None) -> None:
        self.handler = handler
        self.host = host
        self.port = port
        self.data_size_limit = data_size_limit
        self.hostname = hostname
        self.lmtp = lmtp
        self.tls_context = tls_context
        self.unix_path = unix_path
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def _factory(self) -> SMTP:
        protocol = PerRecipientLMTP if self.lmtp else IntakeSMTP
        return protocol(self.handler, data_size_limit=self.data_size_limit, enable_SMTPUTF8=True,
                        decode_data=False, hostname=self.hostname, ident="PEP intake",
                        tls_context=self.tls_context, require_starttls=False)

    def _listen(self, loop: asyncio.AbstractEventLoop) -> asyncio.AbstractServer:
        if self.unix_path is not None:
            if os.path.exists(self.unix_path):
                os.unlink(self.unix_path)  # a socket left by a previous run that did not stop cleanly
            return loop.run_until_complete(loop.create_unix_server(self._factory, self.unix_path))
        server = loop.run_until_complete(loop.create_server(self._factory, self.host, self.port))
        self.port = server.sockets[0].getsockname()[1]
        return server

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            self._server = self._listen(loop)
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

    @property
    def address(self) -> str:
        return self.unix_path or f"{self.host}:{self.port}"

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
        if self.unix_path is not None and os.path.exists(self.unix_path):
            os.unlink(self.unix_path)
