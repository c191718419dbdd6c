"""A private Dovecot IMAP server on a free loopback port, with a throw-away Maildir and passwd file."""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from imapclient import IMAPClient

from tests.harness.services import require

USER, PASSWORD = "pep", "mailbox-password"

# Every process runs as one unprivileged user: Dovecot refuses mail access as root, and the
# login processes refuse to run as root. No chroot, so no jail has to be built.
_CONF = """\
instance_name = pep-test-{tag}
base_dir = {root}/run
state_dir = {root}/state
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
log_path = {root}/dovecot.log
mail_location = maildir:{root}/mail/%u/Maildir
mailbox_idle_check_interval = 1 secs
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""


class PrivateDovecot:
    """Dovecot with its own configuration, state and mail under a temporary folder; `restart()` keeps the mail."""

    def __init__(self, extra_conf: str = "") -> None:
        self.extra_conf = extra_conf
        self.root = Path(tempfile.mkdtemp(prefix="pep-dovecot-"))
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.user, self.password = USER, PASSWORD
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@{self.host}:{self.port}/INBOX"

    def start(self) -> "PrivateDovecot":
        account = pwd.getpwnam("nobody")
        group = "nogroup"
        self.root.chmod(0o755)
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(exist_ok=True)
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        (self.root / "dovecot.conf").write_text(_CONF.format(
            tag=uuid.uuid4().hex[:8], root=self.root, port=self.port, user=account.pw_name, group=group)
            + self.extra_conf)
        # Only what this fixture made: Dovecot sets its own runtime files' owners and modes, and
        # refuses to start on a restart if they were changed.
        for path in (self.root, self.root / "run", self.root / "state", self.root / "mail", self.root / "passwd"):
            os.chown(path, account.pw_uid, account.pw_gid)
        self._process = subprocess.Popen(["dovecot", "-F", "-c", str(self.root / "dovecot.conf")],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_for_greeting()
        return self

    def stop(self) -> None:
        """Stop the instance and every process it started, so open connections drop as in a crash."""
        children = self._children()
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
        self._process = None
        # The master's SIGTERM does not always reach imap processes serving a client (an IDLE one
        # may outlive it); end the ones this instance started, by their ids.
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _children(self) -> list[int]:
        if self._process is None:
            return []
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self._process.pid:
                found.append(int(stat.parent.name))
        return found

    def restart(self, pause: float = 0.0) -> None:
        """Stop (cutting every connection), optionally stay down for `pause` seconds, start again."""
        self.stop()
        time.sleep(pause)
        self.start()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        with self.client() as client:
            client.append(folder, raw)

    def uids(self, folder: str) -> list[int]:
        with self.client() as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            return sorted(client.search("ALL"))

    def _wait_for_greeting(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"dovecot exited with {self._process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as conn:
                    if conn.recv(64).startswith(b"* OK"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"dovecot did not greet on port {self.port}:\n{self.log()}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dovecot_available() -> bool:
    return shutil.which("dovecot") is not None and os.geteuid() == 0


@pytest.fixture(scope="module")
def dovecot() -> Iterator[PrivateDovecot]:
    """A private Dovecot per test module: skipped without Dovecot locally, a failure under CI."""
    require("Dovecot (dovecot-imapd), started as root", dovecot_available())
    server = PrivateDovecot().start()
    try:
        yield server
    finally:
        server.remove()
