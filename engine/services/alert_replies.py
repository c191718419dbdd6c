"""A member's reply to an alert: kept as intelligence linked to the alert, acknowledged, and routed."""
from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import InvalidInput
from engine.models import Area, Partnership, Person, Publication, Report, Role, StoredFile
from engine.services.audit import record
from engine.services.outbox import queue_message
from engine.services.publications import DraftFile
from engine.services.references import next_reference
from engine.services.report_routing import destinations, report_facts
from engine.services.rulebook import checked_rules, report_routes


def record_alert_reply(session: Session, env: Env, person: Person, publication: Publication, text: str,
                       files: list[DraftFile], inbound_message_id: int | None) -> Report:
    """An intel report with the next reference, routed by the report rules (the alert's author, the central team)."""
    if not text.strip() and not files:
        raise InvalidInput("your reply had no text or attachments")
    now = env.clock.now()
    role = session.scalar(select(Role).where(Role.person_id == person.id, Role.ended_at.is_(None),
                                             Role.partnership_id.is_not(None)).order_by(Role.id).limit(1))
    partnership = session.get(Partnership, role.partnership_id) if role and role.partnership_id else None
    area = session.get(Area, partnership.area_id) if partnership else None
    author = session.get(Person, publication.author_id)
    ruleset = checked_rules(session, env.settings)
    routes = report_routes(ruleset, report_facts(session, "intel", area, text, reply_to_alert=True))
    sent_to = destinations(session, routes, area, author)
    report = Report(ref=next_reference(session, env), kind="intel", reporter_id=person.id,
                    partnership_id=partnership.id if partnership else None, area_id=area.id if area else None,
                    description=text.strip(), status="open", inbound_message_id=inbound_message_id,
                    created_at=now, publication_id=publication.id,
                    routing={"publication_id": publication.id, "routes": [r.name for r in routes],
                             "to": [d.email for d in sent_to]})
    session.add(report)
    session.flush()
    for item in files:
        session.add(StoredFile(report_id=report.id, filename=item.filename[:255], content_type=item.content_type[:100],
                               size=len(item.data), sha256=hashlib.sha256(item.data).hexdigest(), data=item.data,
                               created_at=now))
    session.flush()
    refs = [{"stored_file": f.id} for f in session.scalars(select(StoredFile).where(StoredFile.report_id == report.id))]
    values = {"ref": report.ref, "title": publication.title, "publication_id": publication.id,
              "reporter_name": person.name or person.email, "reporter_email": person.email,
              "partnership_name": partnership.name if partnership else "", "text": report.description}
    for destination in sent_to:
        queue_message(session, env, "police.alert.reply", values, to_addr=destination.email,
                      person=session.get(Person, destination.person_id) if destination.person_id else None,
                      report_id=report.id, attachments=refs)
    queue_message(session, env, "member.alert.reply.ack", {
        "person_name": person.name or person.email, "ref": report.ref,
        "title": "" if publication.category != "info" else publication.title}, person=person, report_id=report.id)
    record(session, env, person.email, "report.received", "report", report.id, ref=report.ref, kind="intel",
           publication_id=publication.id, routed_to=[d.email for d in sent_to])
    return report
