"""What police and operators see of reports: listings, the whole thread, and an .eml bundle to ingest."""
from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import NotFound
from engine.models import Area, InboundMessage, Partnership, Person, Report, ReportTurn, StoredFile


def find_report(session: Session, ref: str) -> Report:
    report = session.scalar(select(Report).where(Report.ref == ref.strip().upper()))
    if report is None:
        raise NotFound(f"no report {ref.strip()!r}")
    return report


def report_row(session: Session, report: Report) -> dict[str, Any]:
    area = session.get(Area, report.area_id) if report.area_id else None
    partnership = session.get(Partnership, report.partnership_id) if report.partnership_id else None
    reporter = session.get(Person, report.reporter_id)
    return {"ref": report.ref, "kind": report.kind, "status": report.status, "created_at": report.created_at,
            "occurred_at": report.occurred_at, "when_source": report.when_source, "area": area.name if area else None,
            "where": report.where_text, "who": report.who_text, "partnership": partnership.name if partnership else None,
            "reporter": reporter.email if reporter else None, "awaiting": report.awaiting,
            "grading": (f"{report.source_grade}{report.intel_grade} {report.handling_code}"
                        if report.source_grade else None),
            "isa_lapsed": report.isa_lapsed, "routed_to": report.routing.get("to", []),
            "closed_at": report.closed_at}


def list_reports(session: Session, status: str | None = None, area: Area | None = None,
                 since: datetime | None = None) -> list[dict[str, Any]]:
    """Reports newest first; an area includes the areas below it."""
    query = select(Report).order_by(Report.id.desc())
    if status:
        query = query.where(Report.status == status)
    if area is not None:
        query = query.join(Area, Area.id == Report.area_id).where(Area.path.startswith(area.path))
    if since is not None:
        query = query.where(Report.created_at >= since)
    return [report_row(session, r) for r in session.scalars(query)]


def thread(session: Session, report: Report) -> dict[str, Any]:
    """The report, every turn of its conversation and every file (without the bytes)."""
    turns = session.scalars(select(ReportTurn).where(ReportTurn.report_id == report.id).order_by(ReportTurn.id))
    files = session.scalars(select(StoredFile).where(StoredFile.report_id == report.id).order_by(StoredFile.id))
    return report_row(session, report) | {
        "description": report.description,
        "turns": [{"at": t.created_at, "side": t.side, "from": t.author_email, "action": t.action, "text": t.text}
                  for t in turns],
        "files": [{"name": f.filename, "type": f.content_type, "size": f.size, "sha256": f.sha256,
                   "width": f.width, "height": f.height, "turn": f.report_turn_id} for f in files]}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def export_eml(session: Session, env: Env, report: Report) -> bytes:
    """One message holding the report as JSON and text, every file, and every original message as received."""
    data = thread(session, report)
    bundle = EmailMessage()
    bundle["From"] = env.settings.from_address
    bundle["Subject"] = f"{report.ref}: {report.kind} report export"
    bundle["Date"] = format_datetime(env.clock.now())
    bundle["Message-ID"] = make_msgid(domain=env.settings.domain)
    bundle["X-PEP-Reference"] = report.ref
    lines = [f"{report.ref} ({report.kind}, {report.status})", f"Description: {report.description}", ""]
    lines += [f"{_plain(t['at'])} {t['side']} {t['from']} [{t['action']}]: {t['text']}" for t in data["turns"]]
    bundle.set_content("\n".join(lines) + "\n")
    bundle.add_attachment(json.dumps({k: _plain(v) for k, v in data.items()} | {
        "turns": [{k: _plain(v) for k, v in t.items()} for t in data["turns"]]}, indent=1).encode("utf-8"),
        maintype="application", subtype="json", filename=f"{report.ref}.json")
    for stored in session.scalars(select(StoredFile).where(StoredFile.report_id == report.id).order_by(StoredFile.id)):
        maintype, _, subtype = stored.content_type.partition("/")
        bundle.add_attachment(stored.data or b"", maintype=maintype or "application",
                              subtype=subtype or "octet-stream", filename=stored.filename)
    inbound_ids = [report.inbound_message_id] + [t.inbound_message_id for t in session.scalars(
        select(ReportTurn).where(ReportTurn.report_id == report.id).order_by(ReportTurn.id))]
    for inbound_id in dict.fromkeys(i for i in inbound_ids if i is not None):
        row = session.get(InboundMessage, inbound_id)
        if row is not None and row.raw:
            bundle.add_attachment(row.raw, maintype="application", subtype="octet-stream",
                                  filename=f"inbound-{row.id}.eml")
    return bytes(bundle)
