"""A report's conversation: the team's replies relayed to the reporter, the reporter's to the team, CLOSED, GRADE."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import Conflict, InvalidInput
from engine.models import Person, Report, ReportTurn
from engine.services.audit import record
from engine.services.grading import is_grade_command, parse_grading
from engine.services.outbox import queue_message
from engine.services.publications import DraftFile
from engine.services.report_fields import read_fields
from engine.services.report_files import check_files
from engine.services.report_mail import acknowledge, reply_to, send_to_teams, store_files, team_person
from engine.services.report_places import find_area_in
from engine.services.report_when import find_when
from engine.services.reports import check_body

TO_REPORTER = "member.report.message"
TO_TEAM = "police.report.message"


def _open(report: Report, side: str) -> None:
    if report.status == "closed":
        hint = ("email incident@ or intel@ to report something new" if side == "reporter"
                else "it can no longer be answered through PEP")
        raise Conflict(f"report {report.ref} is closed: {hint}")


def _turn(session: Session, env: Env, report: Report, side: str, author: str, action: str, text: str,
          inbound_message_id: int | None, team_label: str = "") -> ReportTurn:
    turn = ReportTurn(report_id=report.id, side=side, author_email=author, action=action, text=text.strip(),
                      inbound_message_id=inbound_message_id, created_at=env.clock.now())
    session.add(turn)
    session.flush()
    record(session, env, author, f"report.{action}", "report", report.id, ref=report.ref, side=side,
           team=team_label or None, turn=turn.id)
    return turn


def _split_command(text: str) -> tuple[str, str]:
    """The first line if it is CLOSED or GRADE …, and the rest of the text."""
    lines = text.strip().splitlines()
    first = lines[0].strip() if lines else ""
    word = first.strip(" .!:").upper()
    if word in ("CLOSED", "CLOSE") or is_grade_command(first):
        return first, "\n".join(lines[1:]).strip()
    return "", text.strip()


def team_reply(session: Session, env: Env, report: Report, sender: Person, team_label: str, text: str,
               files: list[DraftFile], inbound_message_id: int | None) -> str:
    """Relay the team's words to the reporter, naming the team only; CLOSED closes; GRADE 2B P regrades."""
    _open(report, "team")
    command, rest = _split_command(text)
    checked = check_files(files, env.settings.report_max_file_bytes)
    if not command:
        check_body(rest, len(checked))
    reporter = session.get(Person, report.reporter_id)
    assert reporter is not None
    outcome = []
    if command and is_grade_command(command):
        if report.kind != "intel":
            raise InvalidInput(f"{report.ref} is an incident report: only intelligence is graded")
        grading = parse_grading(command)
        report.source_grade, report.intel_grade, report.handling_code = (grading.source, grading.assessment,
                                                                         grading.handling)
        _turn(session, env, report, "team", sender.email, "graded", f"GRADE {grading}", inbound_message_id,
              team_label)
        queue_message(session, env, TO_TEAM, {"ref": report.ref, "team_name": team_label, "text": "",
                                              "graded": str(grading), "reporter_name": "", "files": []},
                      person=sender, reply_token=reply_to(session, env, report, sender, "team"), report_id=report.id)
        outcome.append(f"graded {grading}")
    closing = command.strip(" .!:").upper() in ("CLOSED", "CLOSE")
    if rest or checked or closing:
        turn = _turn(session, env, report, "team", sender.email, "closed" if closing else "message", rest,
                     inbound_message_id, team_label)
        refs = store_files(session, env, report, checked, turn.id)
        values = {"ref": report.ref, "team_name": team_label, "text": rest, "closed": closing,
                  "person_name": reporter.name or reporter.email}
        queue_message(session, env, TO_REPORTER, values, person=reporter, report_id=report.id, attachments=refs,
                      reply_token=None if closing else reply_to(session, env, report, reporter, "reporter"))
        outcome.append("relayed to the reporter")
    if closing:
        report.status, report.closed_at = "closed", env.clock.now()
        outcome.append("closed")
    return f"{report.ref}: " + ", ".join(outcome)


def reporter_reply(session: Session, env: Env, report: Report, person: Person, text: str,
                   files: list[DraftFile], inbound_message_id: int | None) -> str:
    """The reporter's words to the team; when PEP asked when or where, the answer completes the report."""
    _open(report, "reporter")
    checked = check_files(files, env.settings.report_max_file_bytes)
    check_body(text, len(checked))
    if report.awaiting and complete(session, env, report, text):
        turn = _turn(session, env, report, "reporter", person.email, "completed", text, inbound_message_id)
        store_files(session, env, report, checked, turn.id)
        send_to_teams(session, env, report, updated=True)
        acknowledge(session, env, report, person, updated=True)
        return f"{report.ref} completed" + (f" (still awaiting {report.awaiting})" if report.awaiting else "")
    turn = _turn(session, env, report, "reporter", person.email, "message", text, inbound_message_id)
    refs = store_files(session, env, report, checked, turn.id)
    values = {"ref": report.ref, "text": text.strip(), "graded": "", "reporter_name": person.name or person.email,
              "files": [name for name in (f.filename for f in checked)]}
    for team in report.routing.get("teams", []):
        member = team_person(session, env, team["label"], team["email"])
        queue_message(session, env, TO_TEAM, values | {"team_name": team["label"]}, person=member,
                      reply_token=reply_to(session, env, report, member, "team"), report_id=report.id,
                      attachments=refs)
    return f"{report.ref}: relayed to {len(report.routing.get('teams', []))} team(s)"


def complete(session: Session, env: Env, report: Report, text: str) -> bool:
    """Fill in what the acknowledgement asked for from the reply; True when something was learnt."""
    fields = read_fields(text)
    awaiting = [part for part in report.awaiting.split(",") if part]
    learnt = False
    asked_only_where = awaiting == ["where"]
    if "when" in awaiting:
        when = find_when(fields.when or fields.description, report.created_at, env.settings.tz)
        if when is not None:
            report.occurred_at, report.when_source = when, "stated"
            awaiting.remove("when")
            learnt = True
    if "where" in awaiting:
        first_line = fields.description.splitlines()[0].strip() if fields.description else ""
        area = find_area_in(session, fields.where or fields.description)
        # Asked only where, a bare answer ("outside the Kings Arms") is the place even if no area matches.
        place = fields.where or (first_line if area is not None or asked_only_where else "")
        if place:
            report.where_text = place
            if area is not None:
                report.area_id = area.id
            awaiting.remove("where")
            learnt = True
    report.awaiting = ",".join(awaiting)
    return learnt
