"""The police dataview: one row per person across partnerships, activity ranked, filtered, audited."""
from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.app import App
from engine.cli.main import main
from engine.errors import InvalidInput
from engine.models import AuditEvent, Exclusion
from engine.services.dataview import Query, run_dataview
from engine.services.match_decisions import decide
from tests.conftest import START
from tests.engine.dataview_world import build_world, incident, subject


def _populate(app: App) -> dict[str, int]:
    """Dean Carter is recorded three ways by three partnerships and is busy lately; Kay Moss once."""
    with app.sessions() as session:
        env = app.env
        world = build_world(session, env)
        dean1 = subject(session, env, world.pubwatch, "BP-1", "Dean Carter", date(1990, 5, 4), aliases=["Deano"])
        dean2 = subject(session, env, world.shopwatch, "KT-9", "CARTER, Dean", date(1990, 4, 5))
        dean3 = subject(session, env, world.hove, "H-3", "Deano Carter", date(1990, 5, 4),
                        last_seen=date(2026, 11, 20))
        kay = subject(session, env, world.shopwatch, "KT-1", "Kay Moss", date(1978, 2, 2))
        reporter = world.members[0]
        n = 0
        for when, who, where in [(START - timedelta(days=5), dean1, world.pubwatch),
                                 (START - timedelta(days=12), dean2, world.shopwatch),
                                 (START - timedelta(days=20), dean3, world.hove),
                                 (START - timedelta(days=150), dean1, world.pubwatch),
                                 (START - timedelta(days=40), kay, world.shopwatch),
                                 (START - timedelta(days=500), kay, world.shopwatch)]:
            n += 1
            incident(session, env, who, where, when, reporter, n)
        session.add(Exclusion(subject_id=dean1.id, partnership_id=world.pubwatch.id, stage="exclusion",
                              status="active", months=12, reason="assault", proposed_by_id=world.chair.id,
                              proposed_at=START, proposal_expires_at=START, starts_at=START,
                              ends_at=START + timedelta(days=365)))
        ids = {"dean1": dean1.id, "dean2": dean2.id, "dean3": dean3.id, "kay": kay.id,
               "hove": world.hove.id}
        session.commit()
    return ids


def _view(app: App, **query: object) -> list[dict]:  # type: ignore[type-arg]
    with app.sessions() as session:
        rows = run_dataview(session, app.env, Query(purpose="weekly review", actor="analyst@police.example",
                                                    **query))  # type: ignore[arg-type]
        session.commit()
    return rows


def test_one_row_per_person_with_merged_records_activity_and_reasons(app: App) -> None:
    # Given one person recorded by three partnerships under name variants, and another by one
    ids = _populate(app)
    # When police run the dataview
    rows = _view(app)
    # Then Dean Carter is one row merging the three records, ranked first, with his activity explained
    first = rows[0]
    assert sorted((r["partnership"], r["ref"]) for r in first["records"]) == [
        ("Brighton Pubwatch", "BP-1"), ("Hove Shopwatch", "H-3"), ("Kemptown Traders", "KT-9")]
    assert first["partnerships"] == ["Brighton Pubwatch", "Hove Shopwatch", "Kemptown Traders"]
    assert first["incidents"]["total"] == 4
    assert first["incidents"]["by_partnership"] == {"Brighton Pubwatch": 2, "Hove Shopwatch": 1, "Kemptown Traders": 1}
    assert first["incidents"]["by_month"] == {"2026-06": 1, "2026-11": 3}
    assert first["last_seen"] == "2026-11-22"
    assert first["exclusions"] == [{"partnership": "Brighton Pubwatch", "stage": "exclusion", "until": "2027-11-27"}]
    assert any("known to 3 partnerships" in r for r in first["reasons"])
    assert any("in the last 30 days" in r for r in first["reasons"])
    assert first["match_reasons"] and all(m["score"] >= app.settings.match_link_score for m in first["match_reasons"])
    assert "Deano" in first["names"] and first["rank"] == 1
    # And Kay Moss is her own row; her incident from 500 days ago is outside the default 12 months
    kay = next(r for r in rows if r["records"][0]["id"] == ids["kay"])
    assert kay["incidents"]["total"] == 1 and kay["rank"] == 2
    # And the run is audited with who ran it and why
    with app.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "dataview.run")).one()
    assert event.actor == "analyst@police.example" and event.details["purpose"] == "weekly review"


def test_filters_area_since_and_breadth(app: App) -> None:
    _populate(app)
    # Only Hove: only the person with a record or incident there
    assert [len(r["records"]) for r in _view(app, area="Hove")] == [3]
    # At least two partnerships: Kay drops out
    assert len(_view(app, min_partnerships=2)) == 1
    # Since two years ago: Kay's old incident counts
    rows = _view(app, since=START - timedelta(days=730))
    assert next(r for r in rows if r["names"] == ["Kay Moss"])["incidents"]["total"] == 2


def test_only_unexpired_data_from_partnerships_that_share(app: App) -> None:
    ids = _populate(app)
    # Given Hove no longer shares with police, and Kay's record is withdrawn
    with app.sessions() as session:
        from engine.models import Partnership, Subject
        session.get(Partnership, ids["hove"]).shares_with_police = False  # type: ignore[union-attr]
        session.get(Subject, ids["kay"]).withdrawn_at = START  # type: ignore[union-attr]
        session.commit()
    # When the dataview runs / Then neither Hove's record nor Kay appears
    rows = _view(app)
    assert len(rows) == 1 and "Hove Shopwatch" not in rows[0]["partnerships"]
    # And once a partnership's records expire, they are gone from the view
    app.clock.advance(timedelta(days=400))  # type: ignore[attr-defined]
    assert _view(app) == []


def test_link_and_unlink_decisions_are_kept_and_respected(app: App) -> None:
    ids = _populate(app)
    with app.sessions() as session:
        from engine.models import Subject
        a, b, kay = (session.get(Subject, ids[k]) for k in ("dean1", "dean3", "kay"))
        # When police split Dean's pubwatch and Hove records, and join Kay to Dean's shopwatch record
        decide(session, app.env, a, b, "unlink", "ds.hale@police.example", "different men")  # type: ignore[arg-type]
        decide(session, app.env, kay, session.get(Subject, ids["dean2"]), "link", "ds.hale@police.example")  # type: ignore[arg-type]
        session.commit()
    # Then later runs obey both decisions
    groups = sorted(sorted(r["id"] for r in row["records"]) for row in _view(app))
    assert ids["dean1"] not in next(g for g in groups if ids["dean3"] in g)
    assert any({ids["kay"], ids["dean2"]} <= set(g) for g in groups)


def test_a_purpose_is_required(app: App) -> None:
    with app.sessions() as session, pytest.raises(InvalidInput, match="purpose"):
        run_dataview(session, app.env, Query(purpose="  ", actor="x"))


def test_the_command_line(app: App, cli_env: None, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ids = _populate(app)
    # Without a purpose: one line on stderr, status 2
    assert main(["dataview", "--json"]) == 2
    assert "--purpose is required" in capsys.readouterr().err
    # JSON: one row per person with the merged records and the reasons
    assert main(["dataview", "--purpose", "test", "--json", "--since", "2025-01-01", "--as", "pc@police.example"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"partnership": "Hove Shopwatch", "ref": "H-3", "id": ids["dean3"], "source": "partnership"} in rows[0]["records"]
    assert rows[0]["reasons"]
    # CSV to a file
    out = tmp_path / "view.csv"
    assert main(["dataview", "--purpose", "test", "--csv", str(out)]) == 0
    table = list(csv.DictReader(out.open(encoding="utf-8")))
    assert table[0]["rank"] == "1" and "Kemptown Traders:KT-9" in table[0]["records"]
    # Link and unlink by PARTNERSHIP:REF or id
    assert main(["dataview", "unlink", "Brighton Pubwatch:BP-1", str(ids["dean3"])]) == 0
    assert "different people" in capsys.readouterr().out
    assert main(["dataview", "link", "nowhere:X", "1"]) == 2
    assert main(["dataview", "link", "1"]) == 2
