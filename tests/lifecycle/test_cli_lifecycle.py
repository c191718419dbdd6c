"""The lifecycle from the console: `pep tick --now` time travel, `pep isa status|evidence|publish`, `pep admin run`."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from engine.app import App
from engine.clock import FixedClock, SystemClock
from tests.lifecycle.force import CHAIR, confirm_by_token


def _isa(cli) -> dict:  # type: ignore[no-untyped-def, type-arg]
    code, out, _ = cli("isa", "status", "--json")
    assert code == 0
    return json.loads(out)[0]


def test_time_travel_with_pep_tick(cli, app: App, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    # Given a partnership invited from the console and confirmed by its chair today
    assert cli("area", "add", "Sussex")[0] == 0
    assert cli("partnership", "invite", "--name", "Kemptown Traders", "--type", "shopwatch", "--area", "Sussex",
               "--chair", CHAIR)[0] == 0
    clock.set(SystemClock().now())
    confirm_by_token(app, CHAIR)
    before = _isa(cli)
    assert before["isa"] == "current"
    # When the operator asks what happens 14 days before expiry, twice
    expiry_day = datetime.fromisoformat(before["expires_at"]).astimezone(ZoneInfo("Europe/London")).date()
    reminder_day = (expiry_day - timedelta(days=14)).isoformat()
    code, out, _ = cli("tick", "--now", f"{reminder_day}T09:30", "--json")
    again = cli("tick", "--now", f"{reminder_day}T09:31", "--json")
    # Then the reminder is queued once
    assert code == 0 and json.loads(out)["isa.reminders"] == 1
    assert json.loads(again[1])["isa.reminders"] == 0
    code, out, _ = cli("isa", "status", "--json", "--now", f"{reminder_day}T09:30")
    assert json.loads(out)[0]["isa"] == "renewal_due"
    # When the operator ticks a day after the expiry
    code, out, _ = cli("tick", "--now", f"{(expiry_day + timedelta(days=1)).isoformat()}T00:00")
    # Then the partnership has lapsed and the status says so
    assert code == 0 and "isa.lapse 1" in out
    row = _isa(cli)
    assert row["state"] == "lapsed" and row["isa"] == "lapsed" and row["version"] == 1
    # And the evidence names the version, its hash and who agreed
    code, out, _ = cli("isa", "evidence", "Kemptown Traders", "--json")
    [evidence] = json.loads(out)
    assert code == 0 and evidence["confirmed_by"] == CHAIR and len(evidence["isa_sha256"]) == 64


def test_bad_input_on_the_console_is_one_line_and_status_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = tmp_path / "isa.txt"
    text.write_text("The second agreement.\n", encoding="utf-8")
    table = [  # (argv, what stderr must say)
        (("tick", "--now", "next tuesday"), "is not an ISO date"),
        (("isa", "publish", str(text), "--period-months", "13"), "1 to 12 months"),
        (("isa", "publish", str(text), "--period-months", "0"), "1 to 12 months"),
        (("isa", "evidence", "Nowhere Watch"), "unknown partnership"),
        (("admin", "run", "--as", "nobody@example.org", "STATUS"), "nobody is registered"),
    ]
    for argv, message in table:
        # When each bad command is run
        code, _out, err = cli(*argv)
        # Then it exits 2 with one line saying why
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1, argv
    # And a good publication says how many chairs were asked
    code, out, _ = cli("isa", "publish", str(text), "--period-months", "6")
    assert code == 0 and "version 2 published" in out and "0 chair(s) asked" in out


def test_admin_run_lists_each_line_and_fails_if_any_line_was_refused(cli) -> None:  # type: ignore[no-untyped-def]
    # Given an admin and an area
    assert cli("area", "add", "Sussex")[0] == 0
    assert cli("person", "add", "admin@police.example", "--name", "Admin", "--role", "admin")[0] == 0
    # When the admin runs a good line and a bad one
    code, out, err = cli("admin", "run", "--as", "admin@police.example", "--json",
                         'OFFICER pc@police.example AREA "Sussex"', "FROBNICATE everything")
    # Then both outcomes are listed, the good one took effect, and the status is 2
    results = json.loads(out)
    assert code == 2 and [r["done"] for r in results] == [True, False] and "unknown command" in err
    people = {p["email"]: p for p in json.loads(cli("person", "list", "--json")[1])}
    assert "officer:Sussex" in people["pc@police.example"]["roles"]
