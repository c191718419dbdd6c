"""The messages of a report: the police copy with its reply address, the reporter's acknowledgement."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Area, Partnership, Person, Report, StoredFile
from engine.services.outbox import queue_message
from engine.services.people import ensure_person
from engine.services.row_insert import insert_row
from engine.services.report_files import CheckedFile
from engine.services.tokens import issue_token, reply_address

TEAM_MESSAGE = "police.report.new"
ACK_MESSAGE = "member.report.ack"


def store_files(session: Session, env: Env, report: Report, files: list[CheckedFile],
                turn_id: int | None = None) -> list[dict[str, Any]]:
    """Keep each file with the report (and the turn it came with); the references a delivery attaches."""
    # Each row is written as it is made (in order, so ids follow the files): no object of the file's bytes is
    # kept in the session, which nothing reads back in this transaction.
    return [{"stored_file": insert_row(session, StoredFile, {
        "report_id": report.id, "publication_id": None, "subject_id": None, "report_turn_id": turn_id,
        "filename": f.filename, "content_type": f.content_type[:100], "size": len(f.data),
        "sha256": hashlib.sha256(f.data).hexdigest(), "data": f.data, "width": f.width, "height": f.height,
        "created_at": env.clock.now()})} for f in files]


def all_file_refs(session: Session, report: Report) -> list[dict[str, Any]]:
    return [{"stored_file": fid} for fid in session.scalars(
        select(StoredFile.id).where(StoredFile.report_id == report.id).order_by(StoredFile.id))]


def reply_to(session: Session, env: Env, report: Report, person: Person, side: str) -> str:
    """A reply address for this report's conversation, bound to `person` and the side they speak for."""
    token = issue_token(session, env, "report", person, "report", report.id,
                        timedelta(days=env.settings.report_reply_days), single_use=False, data={"side": side})
    return reply_address(env, token)


def summary(session: Session, env: Env, report: Report, files: list[CheckedFile] | None = None) -> dict[str, Any]:
    """What PEP understood of the report, as template values (the structured summary).

    `files`: all of the report's files, when the caller has just stored them (so they need not be read back).
    """
    reporter = session.get(Person, report.reporter_id)
    partnership = session.get(Partnership, report.partnership_id) if report.partnership_id else None
    area = session.get(Area, report.area_id) if report.area_id else None
    when = report.occurred_at.astimezone(env.settings.tz).strftime("%A %-d %B %Y, %H:%M") if report.occurred_at else ""
    listed = [_listed(f.filename, f.content_type[:100], len(f.data), f.width, f.height) for f in files] \
        if files is not None else [_listed(*row) for row in session.execute(
            # Only what the summary shows: the files' bytes stay in the database.
            select(StoredFile.filename, StoredFile.content_type, StoredFile.size, StoredFile.width, StoredFile.height)
            .where(StoredFile.report_id == report.id).order_by(StoredFile.id))]
    grading = (f"{report.source_grade}{report.intel_grade} {report.handling_code}"
               if report.kind == "intel" and report.source_grade else "")
    return {"ref": report.ref, "kind": report.kind, "kind_label": "Incident" if report.kind == "incident" else "Intelligence",
            "when": when, "when_received": report.when_source == "received",
            "where": report.where_text, "area_name": area.name if area else "", "who": report.who_text,
            "description": report.description, "grading": grading, "isa_lapsed": report.isa_lapsed,
            "reporter_name": reporter.name or reporter.email if reporter else "",
            "reporter_email": reporter.email if reporter else "",
            "partnership_name": partnership.name if partnership else "",
            "files": listed,
            "awaiting": report.awaiting}


def _listed(name: str, content_type: str, size: int, width: int | None, height: int | None) -> dict[str, Any]:
    """One file as the summary lists it; the same from a stored row or from the file just stored."""
    return {"name": name, "type": content_type, "size": size, "dimensions": f"{width}x{height}" if width else ""}


def team_person(session: Session, env: Env, label: str, email: str) -> Person:
    """The team mailbox as a person, so that its replies are recognised and its reply addresses bound to it."""
    return ensure_person(session, env, email, label, actor="pep")


def send_to_teams(session: Session, env: Env, report: Report, updated: bool = False,
                  understood: dict[str, Any] | None = None, refs: list[dict[str, Any]] | None = None) -> list[str]:
    """The police copy (summary first, the reporter's words, every file) to each team the report was routed to."""
    values = (understood or summary(session, env, report)) | {"updated": updated}
    refs = all_file_refs(session, report) if refs is None else refs
    sent = []
    for team in report.routing.get("teams", []):
        person = team_person(session, env, team["label"], team["email"])
        queue_message(session, env, TEAM_MESSAGE, values | {"team_name": team["label"]}, person=person,
                      reply_token=reply_to(session, env, report, person, "team"), report_id=report.id,
                      attachments=refs)
        sent.append(team["email"])
    return sent


def acknowledge(session: Session, env: Env, report: Report, person: Person, updated: bool = False,
                understood: dict[str, Any] | None = None) -> None:
    """The reporter's acknowledgement: reference, what was understood, where it went, how to add more."""
    values = (understood or summary(session, env, report)) | {
        "person_name": person.name or person.email, "updated": updated,
        "sent_to": [t["label"] for t in report.routing.get("teams", [])],
        "ask_when": "when" in report.awaiting.split(","), "ask_where": "where" in report.awaiting.split(",")}
    queue_message(session, env, ACK_MESSAGE, values, person=person,
                  reply_token=reply_to(session, env, report, person, "reporter"), report_id=report.id)
