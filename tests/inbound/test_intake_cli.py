"""`pep lmtpd` and `pep imap` from the command line: a real process, and bad configuration in one line."""
from __future__ import annotations

import os
import select
import signal
import smtplib
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from engine.cli.main import main
from engine.migrate import upgrade
from engine.db import make_engine
from engine.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def env_for(settings: Settings, **extra: str) -> dict[str, str]:
    values = {"PEP_DATABASE_URL": settings.database_url, "PEP_VAR_DIR": settings.var_dir,
              "PEP_OUTBOUND": settings.outbound, "PEP_SECRET_KEY": settings.secret_key or "",
              "PEP_DOMAIN": settings.domain, "PEP_CONFIG": str(Path(settings.var_dir) / "absent.toml")}
    return values | extra


@pytest.mark.parametrize(("variables", "expected"), [
    ({}, "pep imap needs PEP_IMAP_URL"),
    ({"PEP_IMAP_URL": "ftp://user:pw@host/INBOX"}, "must start with imap:// or imaps://"),
    ({"PEP_IMAP_URL": "imaps://mail.example/INBOX"}, "needs a user, a password and a host"),
])
def test_pep_imap_refuses_a_missing_or_bad_mailbox_url(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str],
                                                      variables: dict[str, str], expected: str) -> None:
    # Given the IMAP mode with a missing or malformed PEP_IMAP_URL
    monkeypatch.delenv("PEP_IMAP_URL", raising=False)
    for key, value in env_for(settings, **variables).items():
        monkeypatch.setenv(key, value)
    # When it starts, Then it stops at once with status 2 and one line saying what is wrong
    assert main(["imap"]) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and "\n" not in err


def test_an_unreadable_certificate_stops_smtpd_with_one_line(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    # Given PEP_TLS_CERT/PEP_TLS_KEY naming files that do not exist
    for key, value in env_for(settings, PEP_TLS_CERT="/nonexistent/cert.pem", PEP_TLS_KEY="/nonexistent/key.pem",
                              PEP_SMTP_LISTEN="127.0.0.1:0").items():
        monkeypatch.setenv(key, value)
    # When the SMTP intake starts, Then it refuses with status 2 and one line
    assert main(["smtpd"]) == 2
    err = capsys.readouterr().err.strip()
    assert "PEP_TLS_CERT/PEP_TLS_KEY cannot be loaded" in err and "\n" not in err


def test_pep_lmtpd_serves_a_unix_socket_until_sigterm(settings: Settings) -> None:
    # Given a migrated database and `pep lmtpd` started on a Unix socket
    engine = make_engine(settings.database_url)
    upgrade(engine)
    engine.dispose()
    socket_path = Path(tempfile.mkdtemp(prefix="pep-lmtpd-")) / "lmtp.sock"
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from engine.cli.main import main; sys.exit(main(['lmtpd']))"],
        cwd=ROOT, env=os.environ | env_for(settings, PEP_LMTP_LISTEN=str(socket_path)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert select.select([process.stdout], [], [], 20)[0], "pep lmtpd printed nothing"
        assert process.stdout is not None
        assert f"LMTP intake on {socket_path}" in process.stdout.readline()
        # When a message for one good and one unknown address is sent
        with smtplib.LMTP(str(socket_path), timeout=10) as client:
            refused = client.sendmail("sender@example.org", ["reply+abc@pep.test", "nobody@pep.test"],
                                      b"From: sender@example.org\r\nSubject: hi\r\n\r\nHello\r\n")
        # Then only the unknown one is refused
        assert list(refused) == ["nobody@pep.test"]
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    # And it stops cleanly on SIGTERM, removing its socket
    assert process.returncode == 0, err
    assert "stopped" in out and not socket_path.exists()
