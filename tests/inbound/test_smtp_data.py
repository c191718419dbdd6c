"""PEP's DATA reader answers every session exactly as aiosmtpd's own reader does, and hands over the same bytes."""
from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any, Iterator

import pytest
from aiosmtpd.smtp import SMTP
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from inbound.smtp_data import BlockData

LIMITS = (400, 3000, 1_000_000)


class Recorder:
    def __init__(self) -> None:
        self.contents: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.contents.append(envelope.original_content)
        assert envelope.content == envelope.original_content
        return "250 stored"


class Servers:
    """For each size limit, a plain aiosmtpd server and PEP's, each with its own recorder."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.ports: dict[tuple[int, type[SMTP]], tuple[int, Recorder]] = {}
        for limit in LIMITS:
            for protocol in (SMTP, BlockData):
                recorder = Recorder()
                server = asyncio.run_coroutine_threadsafe(self.loop.create_server(
                    lambda p=protocol, r=recorder, lim=limit: p(r, data_size_limit=lim, decode_data=False,
                                                                hostname="t.test"),
                    "127.0.0.1", 0), self.loop).result(10)
                self.ports[(limit, protocol)] = (server.sockets[0].getsockname()[1], recorder)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    running = Servers()
    yield running
    running.stop()


def transcript(port: int, chunks: list[bytes]) -> bytes:
    """Everything the server answers to an envelope, the DATA sent in `chunks`, then NOOP and QUIT."""
    with socket.create_connection(("127.0.0.1", port), 10) as sock:
        received = b""

        def until(count: int) -> None:
            nonlocal received
            while received.count(b"\r\n") < count:
                data = sock.recv(65536)
                if not data:
                    return
                received += data

        until(1)
        for number, command in enumerate([b"EHLO c.test", b"MAIL FROM:<a@c.test>", b"RCPT TO:<b@t.test>", b"DATA"]):
            sock.sendall(command + b"\r\n")
            until(received.count(b"\r\n") + 1 if number else 2)
            if number == 0:  # the EHLO reply has several lines: wait for its last one
                while not received.rstrip(b"\r\n").rsplit(b"\r\n", 1)[-1].startswith(b"250 "):
                    received += sock.recv(65536)
        for chunk in chunks:
            sock.sendall(chunk)
            time.sleep(0.002)  # let each chunk arrive as a read of its own
        sock.sendall(b"NOOP\r\nQUIT\r\n")
        while True:
            data = sock.recv(65536)
            if not data:
                return received
            received += data


lines = st.lists(st.one_of(
    st.binary(max_size=80), st.binary(min_size=995, max_size=1010),
    st.sampled_from([b"", b"..", b".x", b"...", b"x\r", b"\n.", b".\n", b"\r.", b"a\r\n.b", b"a\r\n..\r\nb"])),
    max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=lines, cuts=st.lists(st.integers(0, 70_000), max_size=6), limit=st.sampled_from(LIMITS),
       pipelined=st.booleans())
def test_block_reader_answers_as_aiosmtpd_does(servers: Servers, body: list[bytes], cuts: list[int], limit: int,
                                               pipelined: bool) -> None:
    text = b"\r\n".join(body) + b"\r\n"
    # Only the last line ends the data (what follows an earlier end would be taken for commands).
    assume(not text.startswith(b".\r\n") and b"\r\n.\r\n" not in text)
    data = text + b".\r\n" + (b"RSET\r\n" if pipelined else b"")
    points = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
    chunks = [data[start:end] for start, end in zip(points, points[1:])]
    outcomes = []
    for protocol in (SMTP, BlockData):
        port, recorder = servers.ports[(limit, protocol)]
        recorder.contents.clear()
        outcomes.append((transcript(port, chunks), list(recorder.contents)))
    assert outcomes[1] == outcomes[0]


def test_a_30_kb_message_is_stored_unstuffed_with_its_own_line_breaks(servers: Servers) -> None:
    body = b"".join(b".line %d\r\n" % n if n % 7 == 0 else b"line %d\r\n" % n for n in range(3000))
    port, recorder = servers.ports[(1_000_000, BlockData)]
    recorder.contents.clear()
    stuffed = body.replace(b"\r\n.", b"\r\n..")
    assert stuffed.startswith(b".line 0")
    reply = transcript(port, [b"." + stuffed + b".\r\n"])
    assert b"250 stored" in reply
    assert recorder.contents == [body]
