"""`pep alert` and `pep rules`: send a draft, explain it, list, show and withdraw; check rule files."""
from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import update

from engine.app import App
from engine.models import Delivery, Publication
from engine.services import publishing
from engine.services.teams import add_team
from tests.harness.force import area, officer, partnership


def build(app: App) -> None:
    with app.sessions() as session:
        env = app.env
        area(session, env, "Sussex")
        area(session, env, "East", "Sussex")
        partnership(session, env, "East Pubwatch", "pubwatch", "East", members=1)
        partnership(session, env, "Lapsed Pubwatch", "pubwatch", "East", status="lapsed", isa_current=False)
        officer(session, env, "pc@police.example", "East")
        add_team(session, env, "East SNT", "snt@police.example", None, True)
        session.commit()


def write_draft(tmp_path: Path, body: str) -> Path:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "pc@police.example", "alerts@pep.test", "Fight outside"
    message.set_content(body)
    path = tmp_path / "draft.eml"
    path.write_bytes(message.as_bytes())
    return path


def test_send_explain_show_and_withdraw_from_the_command_line(cli, app: App, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build(app)
    # Given a draft saved as an email file
    path = write_draft(tmp_path, "Audience: pubwatch\nArea: East\nCategory: wanted\n\nA fight outside the bar.\n")
    # When it is sent from the command line
    code, out, _ = cli("alert", "send", "--from", "pc@police.example", "--file", str(path))
    # Then the same preview is made: partnerships, counts, and a draft waiting for SEND
    assert code == 0 and "East Pubwatch (pubwatch, East): 1" in out and "1 partnerships, 1 recipients" in out
    pub_id = int(out.split("draft ")[1].split(":")[0])
    # And explain names the rule that matched and the resulting partnerships
    code, out, _ = cli("rules", "explain", "--publication", str(pub_id))
    assert code == 0 and "rule: personal data reaches active partnerships only" in out and "1 recipients" in out
    # And a draft file can be explained before it is sent, its author read from its From line
    code, out, _ = cli("rules", "explain", "--draft", str(path))
    assert code == 0 and "East Pubwatch (pubwatch, East): 1" in out and "1 partnerships, 1 recipients" in out
    # When it is published and delivered, Then show counts its deliveries
    with app.sessions() as session:
        publishing.send(session, app.env, session.get(Publication, pub_id), "pc@police.example")
        session.execute(update(Delivery).where(Delivery.kind == publishing.MESSAGE_KIND).values(status="sent"))
        session.commit()
    [shown] = json.loads(cli("alert", "show", str(pub_id), "--json")[1])
    assert shown["status"] == "published" and shown["deliveries"][publishing.MESSAGE_KIND] == {"sent": 1}
    # And withdrawing it notifies the one earlier recipient
    code, out, _ = cli("alert", "withdraw", str(pub_id), "--reason", "subject identified")
    assert code == 0 and "1 withdrawal notices" in out
    assert [p["status"] for p in json.loads(cli("alert", "list", "--json")[1])] == ["withdrawn"]
    # And withdrawing it again is refused in one line with status 2
    code, _, err = cli("alert", "withdraw", str(pub_id), "--reason", "again")
    assert code == 2 and err.count("\n") == 1 and "withdrawn" in err


def test_a_bad_draft_from_the_command_line_keeps_nothing(cli, app: App, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build(app)
    path = write_draft(tmp_path, "Area: Atlantis\n\nText\n")
    # When a draft naming an unknown area is sent, Then the error is shown by line and the status is 2
    code, out, err = cli("alert", "send", "--from", "pc@police.example", "--file", str(path))
    assert code == 2 and "error: line 1: unknown area 'Atlantis'" in out and "nothing was kept" in err
    assert json.loads(cli("alert", "list", "--json")[1]) == []


def test_rules_check_names_file_and_line_and_explain_routes_a_report(cli, app: App, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build(app)
    # Given a deployment file naming an area and a team PEP does not know
    bad = tmp_path / "force.toml"
    bad.write_text('[reports]\nreceivers = ["central_team"]\n\n[[reports.routes]]\nmatch = { area = "Atlantis" }\n'
                   'receivers = ["team:Nobody"]\n', encoding="utf-8")
    # When it is checked, Then each problem is one line naming the file and line, status 2
    code, _, err = cli("rules", "check", str(bad))
    assert code == 2
    assert f"{bad}:5: unknown area 'atlantis'" in err and f"{bad}:6: unknown team 'Nobody'" in err
    # And a good file passes
    good = tmp_path / "good.toml"
    good.write_text('[reports]\nreceivers = ["central_team"]\n', encoding="utf-8")
    assert cli("rules", "check", str(good))[0] == 0
    # And a report is explained: the rules taken and the teams it would go to
    code, out, _ = cli("rules", "explain", "--report", '{"kind": "intel", "area": "East", "text": "a knife"}')
    assert code == 0 and "weapons are also the central team's business" in out and "snt@police.example" in out
