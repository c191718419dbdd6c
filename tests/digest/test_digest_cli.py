"""`pep digest run` and `pep digest preview EMAIL` from the command line."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.app import App
from engine.cli.main import main
from engine.models import Delivery
from tests.digest.world import build, publish


def _digests(app: App, to: str = "m0@east-pubwatch.example") -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(Delivery).where(
            Delivery.kind == "any.digest", Delivery.to_addr == to)) or 0


def test_run_and_preview(app: App, cli_env: None, capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Given a member with a news item published today (2026-11-27)
    with app.sessions() as session:
        world = build(session, app.env)
        publish(session, app.env, world.officer, "news", "Christmas opening hours", "info", [world.east_member],
                published_ago=timedelta(hours=1))
        session.commit()
    # When the operator previews that member's digest, Then the HTML shows the news and the chart inline
    out = tmp_path / "digest.html"
    assert main(["digest", "preview", "m0@east-pubwatch.example", "--now", "2026-11-27T12:00", "--out", str(out)]) == 0
    html = out.read_text()
    assert "Christmas opening hours" in html and "data:image/png;base64," in html
    # And a preview for an unknown address is one line on stderr, status 2, and nothing is queued
    capsys.readouterr()
    assert main(["digest", "preview", "nobody@nowhere.example"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nobody@nowhere.example" in err
    assert _digests(app) == 0
    # When the operator runs the digest twice the same week, Then the member gets one
    assert main(["digest", "run", "--now", "2026-11-27T12:00"]) == 0
    assert main(["digest", "run", "--now", "2026-11-27T13:00"]) == 0
    assert _digests(app) == 1
    # And --to sends that person a copy now, whatever was sent before
    assert main(["digest", "run", "--now", "2026-11-27T13:00", "--to", "m0@east-pubwatch.example"]) == 0
    assert _digests(app) == 2
    assert main(["digest", "run", "--to", "nobody@nowhere.example"]) == 2
