"""A real aiosmtpd server on an ephemeral port that records mail and answers as scripted."""

from __future__ import annotations

import asyncio
import ssl
import threading
import warnings
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal, cast

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

Command = Literal["MAIL", "RCPT", "DATA"]
TlsMode = Literal["none", "starttls", "implicit"]


@dataclass(frozen=True)
class _Reply:
    code: int
    text: str


_DROP = _Reply(0, "drop")  # close the connection without replying
_DEFAULT_TEXTS = {421: "4.3.2 Service shutting down", 451: "4.3.0 Try again later", 550: "5.1.1 Refused"}


@dataclass(frozen=True)
class ReceivedMessage:
    """One message as the sink accepted it (dot-unstuffed, CRLF line endings)."""

    envelope_from: str
    recipients: tuple[str, ...]
    data: bytes
    connection: int
    mail_options: tuple[str, ...] = ()


class SmtpSink:
    """An SMTP server for tests, running its own event loop in a background thread.

    Scripting: ``answer_next("RCPT", 451)`` makes the next RCPT get that reply (a 421
    also closes the connection, as a real server does); ``drop_next("DATA")`` closes
    the connection without answering; ``refuse_recipient(address, 550)`` refuses one
    address every time. "DATA" means the reply after the message content.
    """

    def __init__(
        self,
        *,
        tls: TlsMode = "none",
        server_context: ssl.SSLContext | None = None,
        credentials: tuple[str, str] | None = None,
        pipelining: bool = True,
    ) -> None:
        if tls != "none" and server_context is None:
            raise ValueError("a TLS sink needs a server_context")
        self.host = "127.0.0.1"
        self.port = 0
        self._tls = tls
        self._server_context = server_context
        self._credentials = credentials
        self._pipelining = pipelining
        self._lock = threading.Lock()
        self._messages: list[ReceivedMessage] = []
        self._arrived = threading.Condition(self._lock)
        self._script: dict[str, deque[_Reply]] = {"MAIL": deque(), "RCPT": deque(), "DATA": deque()}
        self._refused: dict[str, _Reply] = {}
        self._connections = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._protocols: list[SMTP] = []

    # -- life cycle -------------------------------------------------------------------

    def start(self) -> SmtpSink:
        """Listen on a free loopback port; ``self.port`` tells which."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    loop.create_server(
                        self._new_protocol,
                        host=self.host,
                        port=0,
                        ssl=self._server_context if self._tls == "implicit" else None,
                    )
                )
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as error:  # reported to the starting thread
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            pending = asyncio.all_tasks(loop)
            for pending_work in pending:
                pending_work.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

        self._thread = threading.Thread(target=run, name="smtp-sink", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        """Close every connection and the listening socket, and end the loop thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or loop.is_closed():
            return

        def shut() -> None:
            if self._server is not None:
                self._server.close()
            for protocol in self._protocols:
                if protocol.transport is not None:
                    cast(asyncio.Transport, protocol.transport).abort()
            loop.stop()

        loop.call_soon_threadsafe(shut)
        thread.join(10)

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what arrived -----------------------------------------------------------------

    @property
    def messages(self) -> list[ReceivedMessage]:
        """A copy of everything accepted so far, in order of arrival."""
        with self._lock:
            return list(self._messages)

    @property
    def connections(self) -> int:
        """How many SMTP connections have been opened to the sink."""
        with self._lock:
            return self._connections

    def wait_for_messages(self, count: int, timeout: float = 5.0) -> list[ReceivedMessage]:
        """Block until at least ``count`` messages arrived (or ``timeout``), then return them."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self._messages) >= count, timeout)
            return list(self._messages)

    # -- scripting --------------------------------------------------------------------

    def answer_next(self, command: Command, code: int, *, times: int = 1, text: str | None = None) -> None:
        """Answer the next ``times`` ``command``s with ``code`` instead of accepting."""
        reply = _Reply(code, text or _DEFAULT_TEXTS.get(code, "Scripted reply"))
        with self._lock:
            self._script[command].extend([reply] * times)

    def drop_next(self, command: Command, *, times: int = 1) -> None:
        """Close the connection without a reply on the next ``times`` ``command``s."""
        with self._lock:
            self._script[command].extend([_DROP] * times)

    def refuse_recipient(self, address: str, code: int = 550, text: str | None = None) -> None:
        """Refuse RCPT for ``address`` (case-insensitive) every time."""
        with self._lock:
            self._refused[address.lower()] = _Reply(code, text or _DEFAULT_TEXTS.get(code, "Refused"))

    # -- server side (runs on the sink's loop) ----------------------------------------

    def _new_protocol(self) -> SMTP:
        with self._lock:
            self._connections += 1
            number = self._connections
        with warnings.catch_warnings():
            # aiosmtpd cannot tell that an implicit-TLS connection is encrypted, so it
            # only offers AUTH there without "require TLS", and warns about it; plain
            # AUTH on loopback is deliberate too.
            warnings.simplefilter("ignore", UserWarning)
            protocol = SMTP(
                _Handler(self, number),
                hostname="sink.test",
                decode_data=False,
                enable_SMTPUTF8=True,
                tls_context=self._server_context if self._tls == "starttls" else None,
                authenticator=self._authenticate if self._credentials else None,
                auth_required=self._credentials is not None,
                auth_require_tls=self._tls == "starttls",
            )
        self._protocols.append(protocol)
        return protocol

    def _authenticate(self, server: SMTP, smtp_state: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        assert self._credentials is not None
        user, password = self._credentials
        ok = isinstance(auth_data, LoginPassword) and auth_data == (user.encode(), password.encode())
        return AuthResult(success=ok, handled=False)

    def _scripted(self, command: Command, server: SMTP, recipient: str | None = None) -> str | None:
        with self._lock:
            action = self._script[command].popleft() if self._script[command] else None
            if action is None and recipient is not None:
                action = self._refused.get(recipient.lower())
        if action is None:
            return None
        transport = cast(asyncio.Transport, server.transport)
        if action is _DROP:
            transport.abort()
            return "421 connection dropped"  # written to a closed transport: never seen
        if action.code == 421:
            # Reply first, then hang up, as a server going away does.
            asyncio.get_running_loop().call_soon(transport.close)
        return f"{action.code} {action.text}"

    def _record(self, message: ReceivedMessage) -> None:
        with self._arrived:
            self._messages.append(message)
            self._arrived.notify_all()


class _Handler:
    """aiosmtpd hooks delegating to the sink's script and record."""

    def __init__(self, sink: SmtpSink, connection: int) -> None:
        self._sink = sink
        self._connection = connection

    async def handle_EHLO(
        self, server: SMTP, smtp_state: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        smtp_state.host_name = hostname
        if self._sink._pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server: SMTP, smtp_state: Any, envelope: Any, address: str, options: list[str]) -> str:
        scripted = self._sink._scripted("MAIL", server)
        if scripted:
            return scripted
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server: SMTP, smtp_state: Any, envelope: Any, address: str, options: list[str]) -> str:
        scripted = self._sink._scripted("RCPT", server, recipient=address)
        if scripted:
            return scripted
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, smtp_state: Any, envelope: Any) -> str:
        scripted = self._sink._scripted("DATA", server)
        if scripted:
            return scripted
        self._sink._record(
            ReceivedMessage(
                envelope_from=envelope.mail_from,
                recipients=tuple(envelope.rcpt_tos),
                data=envelope.original_content,
                connection=self._connection,
                mail_options=tuple(envelope.mail_options),
            )
        )
        return "250 2.0.0 Queued"
