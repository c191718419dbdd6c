"""Reports as services: place extraction against the area tree, the follow-up question path, and `pep report`."""
from __future__ import annotations

import json
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.app import App
from engine.cli.main import main
from engine.models import Area, Delivery, Report
from engine.services.areas import find_area
from engine.services.publications import DraftFile
from engine.services.report_conversation import reporter_reply, team_reply
from engine.services.reports import file_report
from engine.services.teams import add_team
from tests.harness.force import area, partnership
from tests.harness.services import require_postgres  # noqa: F401 - the app fixture runs on both databases

MEMBER = "m0@kemptown-pubwatch.example"


@pytest.fixture
def world(app: App):  # type: ignore[no-untyped-def]
    with app.sessions() as session:
        env = app.env
        area(session, env, "Sussex")
        area(session, env, "Brighton", "Sussex")
        area(session, env, "Brighton East", "Brighton")
        area(session, env, "Kemptown", "Brighton East")
        area(session, env, "Hove", "Sussex")
        partnership(session, env, "Kemptown Pubwatch", "pubwatch", "Kemptown", members=1)
        add_team(session, env, "Brighton East Team", "be@police.example", find_area(session, "Brighton East"), False)
        add_team(session, env, "Hove Team", "hove@police.example", find_area(session, "Hove"), False)
        add_team(session, env, "Intelligence Unit", "intel@police.example", None, True)
        session.commit()
    return app


def _file(app: App, text: str, kind: str = "incident", files: list[DraftFile] | None = None) -> Report:
    from engine.models import Person
    with app.sessions() as session:
        person = session.scalar(select(Person).where(Person.email == MEMBER))
        report = file_report(session, app.env, person, kind, text, files or [], None)
        session.commit()
        session.refresh(report)
        session.expunge(report)
        return report


def _area_name(app: App, report: Report) -> str | None:
    with app.sessions() as session:
        return session.get(Area, report.area_id).name if report.area_id else None


@pytest.mark.parametrize("text, area_name, where, awaiting, team", [
    ("When: today 3pm\nWhere: Hove\n\nA fight.", "Hove", "Hove", "", "hove@police.example"),
    ("When: today 3pm\nWhere: outside the shop in kemptown\n\nA fight.", "Kemptown", "outside the shop in kemptown", "",
     "be@police.example"),
    ("When: today 3pm\nWhere: behind the bins\n\nA fight.", "Kemptown", "behind the bins", "", "be@police.example"),
    ("When: today 3pm\n\nA fight in Hove by the station.", "Hove", "", "", "hove@police.example"),
    ("When: today 3pm\n\nA fight.", "Kemptown", "", "where", "be@police.example"),
    ("A fight yesterday.", "Kemptown", "", "where", "be@police.example"),
    ("A fight.", "Kemptown", "", "when,where", "be@police.example"),
])
def test_place_is_matched_against_the_area_tree_else_the_partnership_area(
        world: App, text: str, area_name: str, where: str, awaiting: str, team: str) -> None:
    # Given a member of a Kemptown partnership reports an incident
    report = _file(world, text)
    # Then the area is the one named (deepest match), else the partnership's; unknown things are asked for
    assert (_area_name(world, report), report.where_text, report.awaiting) == (area_name, where, awaiting)
    # And it is routed to the nearest team above that area
    assert report.routing["to"] == [team]


def test_follow_up_answer_completes_the_report_instead_of_making_a_new_one(world: App) -> None:
    # Given a report with neither time nor place
    report = _file(world, "Someone took a bottle of wine.")
    assert report.when_source == "received" and report.awaiting == "when,where"
    with world.sessions() as session:
        ack = session.scalar(select(Delivery).where(Delivery.kind == "member.report.ack"))
        assert ack.context["ask_when"] and ack.context["ask_where"]
        # When the reporter answers with the time only
        row = session.get(Report, report.id)
        from engine.models import Person
        person = session.get(Person, row.reporter_id)
        outcome = reporter_reply(session, world.env, row, person, "It was yesterday at 10:30", [], None)
        # Then the time is set and the place is still asked for
        assert "still awaiting where" in outcome and row.when_source == "stated" and row.awaiting == "where"
        # When they answer with a bare place
        reporter_reply(session, world.env, row, person, "Behind the Kings Arms", [], None)
        # Then the report is complete, and the police copy was sent again, marked updated
        assert row.awaiting == "" and row.where_text == "Behind the Kings Arms"
        updated = list(session.scalars(select(Delivery).where(Delivery.kind == "police.report.new",
                                                              Delivery.report_id == row.id)))
        assert [d.context["updated"] for d in updated] == [False, True, True]
        # And a further reply is an ordinary message to the team
        assert "relayed" in reporter_reply(session, world.env, row, person, "He came back.", [], None)
        assert session.scalar(select(Report.id).where(Report.id != row.id)) is None


def test_grading_is_for_intelligence_and_defaults_from_settings(world: App) -> None:
    intel = _file(world, "When: today\nWhere: Hove\n\nHe sells stolen phones.", kind="intel")
    incident = _file(world, "When: today\nWhere: Hove\n\nA fight.")
    assert (intel.source_grade, intel.intel_grade, intel.handling_code) == ("2", "B", "P")
    assert incident.source_grade is None
    with world.sessions() as session:
        from engine.errors import InvalidInput
        from engine.models import Person
        officer = session.scalar(select(Person).where(Person.email == "hove@police.example"))
        with pytest.raises(InvalidInput, match="only intelligence is graded"):
            team_reply(session, world.env, session.get(Report, incident.id), officer, "Hove Team", "GRADE 1A P", [],
                       None)
        with pytest.raises(InvalidInput, match="not a 3x5x2 grading"):
            team_reply(session, world.env, session.get(Report, intel.id), officer, "Hove Team", "GRADE 9Z", [], None)


def test_report_cli_lists_shows_and_exports(world: App, cli_env: None, capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    first = _file(world, "When: today 3pm\nWhere: Hove\n\nA fight.", files=[DraftFile("a.png", "image/png", png)])
    second = _file(world, "When: today 3pm\nWhere: Kemptown\n\nShoplifting.", kind="intel")
    # When the reports are listed, by area and by status
    assert main(["report", "list", "--json"]) == 0
    assert [r["ref"] for r in json.loads(capsys.readouterr().out)] == [second.ref, first.ref]
    assert main(["report", "list"]) == 0
    assert first.ref in capsys.readouterr().out
    assert main(["report", "list", "--area", "Brighton", "--json"]) == 0
    assert [r["ref"] for r in json.loads(capsys.readouterr().out)] == [second.ref]
    assert main(["report", "list", "--status", "closed", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["report", "list", "--since", "2099-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    # And one is shown with its thread and files
    assert main(["report", "show", first.ref]) == 0
    shown = capsys.readouterr().out
    assert "A fight." in shown and "a.png" in shown and "[report]" in shown
    # And exported as one .eml with the JSON, the file and the summary
    out = tmp_path / "x.eml"
    assert main(["report", "export", first.ref, "--out", str(out)]) == 0
    bundle = message_from_bytes(out.read_bytes(), policy=policy.default)
    names = [part.get_filename() for part in bundle.iter_attachments()]
    assert f"{first.ref}.json" in names and "a.png" in names
    # And the routing rules explain a stored report by its reference
    knife = _file(world, "When: today 3pm\nWhere: Hove\n\nHe showed a knife.")
    assert main(["rules", "explain", "--report", knife.ref]) == 0
    explained = capsys.readouterr().out
    assert "weapons are also the central team's business" in explained and "Hove Team <hove@police.example>" in explained
    # And bad requests say what is wrong in one line, exit status 2
    for argv, words in [(["report", "show", "PEP-2026-999999"], "no report"),
                        (["report", "list", "--area", "Atlantis"], "unknown area"),
                        (["report", "list", "--since", "soon"], "not an ISO date"),
                        (["rules", "explain", "--report", "PEP-2026-999999"], "no report")]:
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert words in err and len(err.strip().splitlines()) == 1
