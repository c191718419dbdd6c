"""Run `pep` commands in-process against the test's database, capturing what they print."""
from __future__ import annotations

from typing import Callable

import pytest

from engine.cli.main import main
from engine.settings import Settings

Run = Callable[..., tuple[int, str, str]]


def cli_environment(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the test's database, folders, outbox, key and domain where `pep` reads its settings."""
    for key, value in {"PEP_DATABASE_URL": settings.database_url, "PEP_VAR_DIR": settings.var_dir,
                       "PEP_OUTBOUND": settings.outbound, "PEP_SECRET_KEY": settings.secret_key,
                       "PEP_DOMAIN": settings.domain}.items():
        monkeypatch.setenv(key, str(value))
    monkeypatch.delenv("PEP_BROKER_URL", raising=False)


def cli_runner(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """A function running `pep ARGV…` with the test's settings in the environment: (status, stdout, stderr)."""
    cli_environment(settings, monkeypatch)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
