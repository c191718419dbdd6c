"""`pep serve` as operators run it: a real process that serves mail and stops cleanly on a signal."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import wait_until
from tests.harness.mail import messages_to, reply_message, send

PEP = str(Path(sys.executable).with_name("pep"))
CHAIR = "chair@kemptown.example"


def _env(tmp_path: Path, db_url: str) -> dict[str, str]:
    return os.environ | {"PEP_DATABASE_URL": db_url, "PEP_VAR_DIR": str(tmp_path / "var"),
                         "PEP_OUTBOUND": f"maildir:{tmp_path / 'outbox'}", "PEP_SMTP_LISTEN": "127.0.0.1:0",
                         "PEP_DOMAIN": "pep.test", "PEP_SWEEP_SECONDS": "1"}


def _pep(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PEP, *argv], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_handles_the_invitation_flow_and_stops_on_a_signal(tmp_path: Path, db_url: str,
                                                                 stop_signal: signal.Signals) -> None:
    # Given an initialised database with an area, and `pep serve` running
    env = _env(tmp_path, db_url)
    assert _pep(env, "init").returncode == 0
    assert _pep(env, "area", "add", "Brighton East").returncode == 0
    server = subprocess.Popen([PEP, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()  # type: ignore[union-attr]
        port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))  # type: ignore[union-attr]
        # When an admin invites a partnership from the CLI and its chair replies I AGREE over SMTP
        invited = _pep(env, "partnership", "invite", "--name", "Kemptown Traders", "--type", "shopwatch",
                       "--area", "Brighton East", "--chair", CHAIR)
        assert invited.returncode == 0, invited.stderr
        outbox = tmp_path / "outbox"
        invitation = wait_until(lambda: messages_to(outbox, CHAIR), timeout=60)[0]
        send(port, reply_message(CHAIR, str(invitation["Reply-To"]), "I agree"))
        wait_until(lambda: len(messages_to(outbox, CHAIR)) == 2, timeout=60)
        # Then the partnership is active
        assert '"status": "active"' in _pep(env, "partnership", "list", "--json").stdout
    finally:
        # And on the signal the server stops by itself, cleanly
        server.send_signal(stop_signal)
        code = server.wait(timeout=45)
    assert code == 0
    assert "stopped" in server.stdout.read()  # type: ignore[union-attr]


def test_demo_narrates_the_whole_invitation_round_trip(tmp_path: Path, db_url: str) -> None:
    # Given a fresh deployment, When an operator runs `pep demo`
    result = subprocess.run([PEP, "demo"], env=_env(tmp_path, db_url), capture_output=True, text=True, timeout=120)
    # Then it invites a partnership, replies as its chair over SMTP, and shows it become active
    assert result.returncode == 0, result.stderr
    assert "replied 'I agree.'" in result.stdout and "is now active" in result.stdout
    assert len(list((tmp_path / "outbox" / "new").iterdir())) == 2
