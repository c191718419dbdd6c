"""The `pep` command line: verbs, JSON listings, and bad input answered in one line with status 2."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.settings import Settings


def listing(cli, *argv: str) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    code, out, _ = cli(*argv, "--json")
    assert code == 0
    return json.loads(out)


def test_init_is_idempotent(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("init")
    assert code == 0 and "nothing to add" in out
    assert {t["name"] for t in listing(cli, "type", "list")} >= {"pubwatch", "shopwatch", "bcrp"}


def test_areas_people_teams_and_an_invitation(cli) -> None:  # type: ignore[no-untyped-def]
    # Given an area tree, a type, a person and a team made from the command line
    assert cli("area", "add", "Sussex")[0] == 0
    assert cli("area", "add", "Brighton East", "--parent", "sussex")[0] == 0
    assert cli("type", "add", "farmwatch")[0] == 0
    assert cli("person", "add", "Officer@Police.example", "--name", "Pat Officer", "--role", "officer",
               "--area", "Brighton East")[0] == 0
    assert cli("team", "add", "Brighton East SNT", "--email", "snt@police.example", "--area", "Brighton East")[0] == 0
    # When a partnership is invited
    code, out, _ = cli("partnership", "invite", "--name", "Kemptown Traders", "--type", "shopwatch",
                       "--area", "Brighton East", "--chair", "chair@kemptown.example")
    assert code == 0 and "invited" in out
    # Then the listings say so, as JSON arrays
    areas = listing(cli, "area", "list")
    assert [(a["name"], a["parent"]) for a in areas] == [("Sussex", None), ("Brighton East", "Sussex")]
    people = {p["email"]: p for p in listing(cli, "person", "list")}
    assert "officer:Brighton East" in people["officer@police.example"]["roles"]
    assert "chair:Kemptown Traders" in people["chair@kemptown.example"]["roles"]
    [partnership] = listing(cli, "partnership", "list")
    assert partnership["status"] == "invited" and partnership["chairs"] == ["chair@kemptown.example"]
    [delivery] = listing(cli, "delivery", "list")
    assert delivery["kind"] == "chair.isa.invitation" and delivery["status"] == "queued"
    assert listing(cli, "team", "list")[0]["area"] == "Brighton East"
    assert "partnership.invited" in {e["action"] for e in listing(cli, "audit", "list")}
    [state] = listing(cli, "isa", "status")
    assert state["state"] == "invited" and state["confirmed_at"] is None


@pytest.mark.parametrize("argv,message", [
    (("area", "add", "Loop", "--parent", "Loop"), "own parent"),
    (("area", "add", "Hove", "--parent", "Nowhere"), "unknown area"),
    (("person", "add", "not-an-address", "--name", "X", "--role", "admin"), "not an email address"),
    (("person", "add", "a@b.example", "--name", "X", "--role", "officer"), "needs an area"),
    (("partnership", "invite", "--name", "P", "--type", "nosuchtype", "--area", "Sussex",
      "--chair", "c@d.example"), "unknown partnership type"),
    (("partnership", "invite", "--name", "P", "--type", "pubwatch", "--area", "Atlantis",
      "--chair", "c@d.example"), "unknown area"),
    (("person", "add", "a@b.example", "--role", "admin"), "required"),
    (("type", "add", "Bad Name!"), "not a type name"),
    (("frobnicate",), "invalid choice"),
])
def test_bad_input_is_one_line_on_stderr_with_status_2_and_writes_nothing(cli, argv, message) -> None:  # type: ignore[no-untyped-def]
    # Given a known state
    assert cli("area", "add", "Sussex")[0] == 0
    before = listing(cli, "audit", "list")
    # When the command is wrong
    code, out, err = cli(*argv)
    # Then one line says why, the status is 2, and nothing was written
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""
    assert listing(cli, "audit", "list") == before


def test_duplicate_email_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("person", "add", "x@y.example", "--name", "X", "--role", "admin")[0] == 0
    code, _, err = cli("person", "add", "X@Y.example", "--name", "Again", "--role", "admin")
    assert code == 2 and "registered already" in err
    assert len(listing(cli, "person", "list")) == 1


def test_isa_publish_checks_the_period(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = tmp_path / "isa.txt"
    text.write_text("The agreement, version two.\n", encoding="utf-8")
    code, _, err = cli("isa", "publish", str(text), "--period-months", "13")
    assert code == 2 and "1 to 12 months" in err
    code, out, _ = cli("isa", "publish", str(text), "--period-months", "6")
    assert code == 0 and "version 2" in out
    code, _, err = cli("isa", "publish", str(tmp_path / "missing.txt"))
    assert code == 2 and "no such file" in err


def test_audit_verify_reports_a_tampered_event(cli, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text
    # Given events sealed into the chain
    assert cli("area", "add", "Sussex")[0] == 0
    code, out, _ = cli("audit", "seal", "--now", "2099-01-01T00:00")
    assert code == 0 and "sealed" in out
    code, out, _ = cli("audit", "verify")
    assert code == 0 and "intact" in out
    # When one is changed behind PEP's back
    engine = create_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE action = 'area.added'"))
    engine.dispose()
    # Then verify says where, with exit status 1
    code, out, _ = cli("audit", "verify")
    assert code == 1 and "BROKEN" in out


def test_inbound_retry_puts_a_parked_message_back(cli, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text
    # Given a parked inbound message
    engine = create_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO inbound_messages (raw, size, mail_from, rcpt_to, source, received_at, digest,"
                          " dedupe_key, status, attempts, next_attempt_at, auth) VALUES ('x', 1, 'a@b.example',"
                          " 'help@pep.test', 'smtp', '2026-11-27 10:00:00', 'd', 'k', 'parked', 5,"
                          " '2026-11-27 10:00:00', '{}')"))
    engine.dispose()
    [parked] = listing(cli, "inbound", "list", "--failed")
    # When the operator retries it, Then it waits to be processed again with its attempts reset
    code, out, _ = cli("inbound", "retry", str(parked["id"]))
    assert code == 0 and "processed again" in out
    [again] = listing(cli, "inbound", "list", "--failed")
    assert (again["status"], again["attempts"]) == ("retry", 0)
    # And a second retry of a message that is not parked is refused in one line
    code, _, err = cli("inbound", "retry", "999")
    assert code == 2 and "no inbound message 999" in err
