"""Postfix's smtpd accepting into its fsync'd queue, then discarding: the durable-accept anchor."""
from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass

from tests.support.postfix import PrivatePostfix


@dataclass
class _Nowhere:
    """Postfix's relay fixture needs a next hop; with the discard transport nothing is ever sent to it."""

    host: str = "127.0.0.1"
    port: int = 9


class DiscardingPostfix(PrivatePostfix):
    """A private Postfix whose every delivery is the discard transport, after the message was queued."""

    def __init__(self) -> None:
        super().__init__(_Nowhere())  # type: ignore[arg-type]

    def start(self) -> "DiscardingPostfix":
        super().start()
        conf = str(self._root / "conf")
        subprocess.run(["postconf", "-c", conf, "-e", "default_transport = discard", "relay_transport = discard",
                        "smtpd_client_connection_rate_limit = 0", "smtpd_client_message_rate_limit = 0"],
                       check=True, capture_output=True, timeout=30)
        subprocess.run(["postfix", "-c", conf, "reload"], check=True, capture_output=True, timeout=30)
        return self

    def wait_drained(self, timeout: float = 120) -> None:
        """Wait until every accepted message was discarded, so its queue manager's work ends with its turn."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not any(files for folder in ("maildrop", "incoming", "active", "deferred")
                       for _path, _dirs, files in os.walk(self._root / "spool" / folder)):
                return
            time.sleep(0.05)
        raise RuntimeError("Postfix did not empty its queue")
