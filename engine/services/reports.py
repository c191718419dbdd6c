"""A member's incident or intelligence report: stored, graded, acknowledged and routed in one transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import InvalidInput, NotPermitted
from engine.models import Area, Partnership, Person, Report, ReportTurn, Role, Subject
from engine.services.audit import record
from engine.services.exclusions import extend_on_incident
from engine.services.grading import parse_grading
from engine.services.publications import DraftFile
from engine.services.references import next_reference
from engine.services.report_fields import ReportFields, only_sign_off, read_fields
from engine.services.report_files import check_files
from engine.services.report_mail import acknowledge, send_to_teams, store_files, summary
from engine.services.report_places import find_area_in
from engine.services.report_routing import area_chain, destinations, report_facts
from engine.services.report_when import find_when
from engine.services.row_insert import insert_row
from engine.services.rulebook import checked_rules, report_routes

KINDS = ("incident", "intel")
REPORTER_ROLES = ("chair", "member", "board")
REPORTING_STATUSES = ("active", "lapsed")


# Built once (immutable, shared): constructing these statements cost about as much as running them.
_REPORTING_FOR = select(Partnership).join(Role, Role.partnership_id == Partnership.id).where(
    Role.person_id == bindparam("person_id"), Role.ended_at.is_(None), Role.role.in_(REPORTER_ROLES),
    Partnership.status.in_(REPORTING_STATUSES)).order_by(Partnership.status, Role.id)
_WANTED = bindparam("wanted")
_SUBJECT_NAMED = select(Subject).where(Subject.partnership_id == bindparam("partnership_id"), or_(
    func.lower(Subject.ref) == _WANTED, func.lower(Subject.name) == _WANTED)).order_by(Subject.id).limit(1)


def reporting_partnership(session: Session, person: Person) -> Partnership:
    """The partnership the person reports for: an active one first, else a lapsed one; else NotPermitted."""
    found = list(session.scalars(_REPORTING_FOR, {"person_id": person.id}))
    if not found:
        raise NotPermitted("reports are accepted from members and chairs of partnerships; "
                           "your address is not a member of an active partnership")
    return next((p for p in found if p.status == "active"), found[0])


def check_body(text: str, file_count: int) -> None:
    if file_count:
        return
    if not text.strip():
        raise InvalidInput("your report had no text and no attachments: please write what happened")
    if only_sign_off(text):
        raise InvalidInput("your report had only a signature: please write what happened above it")


def _subject(session: Session, partnership: Partnership, who: str) -> Subject | None:
    """The partnership's own subject the `Who:` line names, by reference or exact name."""
    wanted = " ".join(who.split()).lower()
    if not wanted:
        return None
    return session.scalar(_SUBJECT_NAMED, {"partnership_id": partnership.id, "wanted": wanted})


def understand(session: Session, env: Env, fields: ReportFields, received_at: datetime, fallback_area: Area | None,
               areas: list[Area] | None = None) -> tuple[datetime, str, Area | None, list[str]]:
    """When (and whether it was stated), the area, and what could not be determined; `areas`: every area."""
    missing = []
    when = find_when(fields.when, received_at, env.settings.tz) if fields.when else None
    if when is None and not fields.when:
        when = find_when(fields.description, received_at, env.settings.tz)
    source = "stated" if when is not None else "received"
    if when is None:
        missing.append("when")
    area = find_area_in(session, fields.where, areas) if fields.where else None
    if area is None and not fields.where:
        area = find_area_in(session, fields.description, areas)
    if area is None and not fields.where:
        missing.append("where")
    return when or received_at, source, area or fallback_area, missing


def file_report(session: Session, env: Env, person: Person, kind: str, text: str, files: list[DraftFile],
                inbound_message_id: int | None, received_at: datetime | None = None) -> Report:
    """Everything about a new report in the caller's transaction; bad input raises before anything is kept."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown report kind {kind!r}")
    partnership = reporting_partnership(session, person)
    check_body(text, len(files))
    checked = check_files(files, env.settings.report_max_file_bytes)
    now = env.clock.now()
    fields = read_fields(text)
    # The area tree, read once: for the area the report names, the partnership's own, and the chain above.
    areas = {a.id: a for a in session.scalars(select(Area))}
    when, when_source, area, missing = understand(session, env, fields, received_at or now,
                                                  areas.get(partnership.area_id), list(areas.values()))
    chain = area_chain(session, area, areas)
    routes = report_routes(checked_rules(session, env.settings),
                           report_facts(session, kind, area, text, reply_to_alert=False, chain=chain))
    teams = [{"label": d.label, "email": d.email} for d in destinations(session, routes, area, None, chain)]
    subject = _subject(session, partnership, fields.who)
    report = Report(ref=next_reference(session, env), kind=kind, reporter_id=person.id, partnership_id=partnership.id,
                    area_id=area.id if area else None, occurred_at=when, when_source=when_source,
                    where_text=fields.where, who_text=fields.who, description=fields.description or text.strip(),
                    status="open", inbound_message_id=inbound_message_id, created_at=now,
                    subject_id=subject.id if subject else None, awaiting=",".join(missing),
                    isa_lapsed=partnership.status != "active",
                    routing={"routes": [r.name for r in routes], "to": [t["email"] for t in teams], "teams": teams})
    if kind == "intel":
        grading = parse_grading(env.settings.report_default_grading, "PEP_REPORT_DEFAULT_GRADING")
        report.source_grade, report.intel_grade, report.handling_code = (grading.source, grading.assessment,
                                                                         grading.handling)
    session.add(report)
    session.flush()
    turn_id = insert_row(session, ReportTurn, {
        "report_id": report.id, "side": "reporter", "author_email": person.email, "team_id": None,
        "action": "report", "text": text.strip(), "inbound_message_id": inbound_message_id, "created_at": now})
    refs = store_files(session, env, report, checked, turn_id)
    extend_on_incident(session, env, report)
    understood = summary(session, env, report, files=checked)
    sent = send_to_teams(session, env, report, understood=understood, refs=refs)
    acknowledge(session, env, report, person, understood=understood)
    record(session, env, person.email, "report.received", "report", report.id, ref=report.ref, kind=kind,
           routed_to=sent, routes=report.routing["routes"], awaiting=report.awaiting, isa_lapsed=report.isa_lapsed,
           files=len(checked))
    return report
