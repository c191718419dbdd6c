"""Writing each outgoing message as a file in a Maildir, for the embedded set-up and tests."""

from __future__ import annotations

import itertools
import os
import socket
import threading
import time
from pathlib import Path

from outbound.transport.base import SendResult
from outbound.transport.framing import crlf_lines

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class MaildirTransport:
    """A Transport that delivers into ``path``/new, as a Maildir reader expects.

    Each message is written and fsynced under tmp/ and then renamed into new/, so a
    reader never sees a partial file. ``Return-Path`` and ``Delivered-To`` lines are
    prepended, as a delivering MTA would, so the envelope can be read back; the
    message keeps the CRLF line endings it would have on the wire. The
    standard library's ``mailbox.Maildir`` re-parses and re-serialises each message and
    is not safe across threads, so this writes the bytes itself.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        for sub in ("tmp", "new", "cur"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
        self._host = socket.gethostname().replace("/", "\\057").replace(":", "\\072")
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._tmp, self._new = str(self.path / "tmp"), str(self.path / "new")

    def send(self, envelope_from: str, recipient: str, data: bytes) -> SendResult:
        """Write one message; an OSError (disk full, permissions) is reported as temporary."""
        if any(c in address for address in (envelope_from, recipient) for c in "\r\n"):
            return SendResult(accepted=False, temporary=False, code=None, detail="line break in an envelope address")
        header = f"Return-Path: <{envelope_from}>\r\nDelivered-To: <{recipient}>\r\n".encode()
        name = self._unique_name()
        tmp_file = os.path.join(self._tmp, name)
        try:
            # One unbuffered file and writev: the message (often hundreds of KB) is neither copied into a
            # buffer nor joined with the header first.
            descriptor = os.open(tmp_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, 0o666)
            try:
                _write_all(descriptor, [header, crlf_lines(data)])
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            os.rename(tmp_file, os.path.join(self._new, name))
        except OSError as error:
            _remove_quietly(tmp_file)
            return SendResult(accepted=False, temporary=True, code=None, detail=f"maildir write failed: {error}")
        return SendResult(accepted=True, temporary=False, code=None, detail=f"written to new/{name}")

    def close(self) -> None:
        """Nothing is held open between messages."""

    def _unique_name(self) -> str:
        # Maildir's naming convention: time, a per-process sequence and pid, host.
        with self._lock:
            sequence = next(self._counter)
        now = time.time_ns()
        seconds, micro = divmod(now // 1000, 1_000_000)
        return f"{seconds}.M{micro}P{os.getpid()}Q{sequence}.{self._host}"


def _write_all(descriptor: int, chunks: list[bytes]) -> None:
    """Write every byte of `chunks`: writev, like write, may write less than it was given."""
    views = [memoryview(chunk) for chunk in chunks if chunk]
    while views:
        written = os.writev(descriptor, views)
        if written <= 0:
            raise OSError("the message file took no bytes")
        while views and written >= len(views[0]):
            written -= len(views[0])
            views.pop(0)
        if views and written:
            views[0] = views[0][written:]


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass  # absent, or unremovable: the original error is the one worth reporting
