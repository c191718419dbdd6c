"""PEP processes and an SMTP sink as separate OS processes that a test can kill -9 and restart."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from tests.faults.services import free_port, wait_port

PEP = str(Path(sys.executable).with_name("pep"))


class PepProcess:
    """`pep MODE` with the given settings; stdout and stderr go to a log file for diagnosis."""

    def __init__(self, mode: str, env: dict[str, str], log_dir: Path) -> None:
        self.mode, self.env, self.log_dir = mode, env, log_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, wait_for_port: int | None = None) -> None:
        self.starts += 1
        log: IO[bytes] = open(self.log_dir / f"{self.mode}-{self.starts}.log", "wb")
        self.process = subprocess.Popen([PEP, self.mode], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        if wait_for_port is not None:
            wait_port(wait_for_port)

    def kill(self) -> None:
        """SIGKILL: no chance to finish or release anything."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def terminate(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.log_dir.glob(f"{self.mode}-*.log")))


class SmtpSinkProcess:
    """Postfix's smtp-sink, writing each message it accepts to a file so duplicates can be counted."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="pep-faults-sink-"))
        os.chmod(self.folder, 0o777)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(["smtp-sink", "-u", "nobody", "-d", f"{self.folder}/%Y%m%d%H/%M.",
                                         f"127.0.0.1:{self.port}", "256"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)

    def message_ids(self) -> list[str]:
        """The Message-ID of every message the sink accepted, one per accepted transaction."""
        ids = []
        for path in self.folder.rglob("*"):
            if path.is_file():
                found = re.search(rb"^Message-ID:\s*(<[^>\r\n]+>)", path.read_bytes(), re.IGNORECASE | re.MULTILINE)
                if found:
                    ids.append(found.group(1).decode())
        return ids


def settle(predicate, timeout: float, interval: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


__all__ = ["PepProcess", "SmtpSinkProcess", "free_port", "settle"]
