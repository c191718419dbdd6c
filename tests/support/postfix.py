"""A private Postfix instance on a loopback port, relaying everything to a test SMTP sink."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.smtp_sink import SmtpSink

# Only the services a relay needs; "n" in the chroot column so no jail has to be built.
_MASTER_CF = """\
{port} inet n - n - - smtpd
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
showq unix n - n - - showq
postlog unix-dgram n - n - 1 postlogd
"""

_MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {root}/spool
data_directory = {root}/data
maillog_file = {root}/maillog
maillog_file_prefixes = {root}
mail_owner = postfix
myhostname = postfix.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [{sink_host}]:{sink_port}
smtp_tls_security_level = none
smtpd_tls_security_level = none
alias_maps =
alias_database =
local_recipient_maps =
biff = no
smtputf8_enable = no
"""


class PostfixUnavailable(Exception):
    """Postfix is not installed, or this process may not run it."""


class PrivatePostfix:
    """Postfix with its own configuration and queue in a temporary directory.

    It relays every message to ``sink``, so a test sees what came out of a real MTA.
    Postfix's master must start as root and its daemons run as the ``postfix`` user.
    """

    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink
        self._root = Path(tempfile.mkdtemp(prefix="pep-postfix-"))
        self.host = "127.0.0.1"
        self.port = _free_port()

    def start(self) -> PrivatePostfix:
        if shutil.which("postfix") is None:
            raise PostfixUnavailable("postfix is not installed")
        if os.geteuid() != 0:
            raise PostfixUnavailable("a private Postfix must be started as root")
        # The postfix user must be able to reach its queue inside the temporary directory.
        self._root.chmod(0o755)
        (self._root / "conf").mkdir()
        (self._root / "data").mkdir()
        (self._root / "spool").mkdir()
        (self._root / "conf" / "master.cf").write_text(_MASTER_CF.format(port=self.port))
        (self._root / "conf" / "main.cf").write_text(
            _MAIN_CF.format(root=self._root, sink_host=self._sink.host, sink_port=self._sink.port)
        )
        shutil.chown(self._root / "data", "postfix")
        self._postfix("start")
        self._wait_until_listening()
        return self

    def stop(self) -> None:
        if (self._root / "spool" / "pid" / "master.pid").exists():
            self._postfix("stop", check=False)
        shutil.rmtree(self._root, ignore_errors=True)

    def log(self) -> str:
        """Postfix's own log, for a failing test's message."""
        path = self._root / "maillog"
        return path.read_text(errors="replace") if path.exists() else ""

    def _postfix(self, command: str, *, check: bool = True) -> None:
        done = subprocess.run(
            ["postfix", "-c", str(self._root / "conf"), command],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check and done.returncode != 0:
            # Postfix reports its reasons to its log, not to a pipe.
            raise RuntimeError(f"postfix {command} failed:\n{self.log()}")

    def _wait_until_listening(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"postfix did not listen on port {self.port}:\n{self.log()}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def postfix_relay() -> Iterator[tuple[PrivatePostfix, SmtpSink]]:
    """A private Postfix and the sink it relays to.

    Without Postfix the test is skipped on a developer's machine, but fails under CI
    (CI set), where the environment is meant to provide it.
    """
    with SmtpSink() as sink:
        postfix = PrivatePostfix(sink)
        try:
            postfix.start()
        except PostfixUnavailable as reason:
            postfix.stop()
            if os.environ.get("CI"):
                pytest.fail(f"CI must provide Postfix: {reason}")
            pytest.skip(str(reason))
        except BaseException:
            postfix.stop()
            raise
        try:
            yield postfix, sink
        finally:
            postfix.stop()
