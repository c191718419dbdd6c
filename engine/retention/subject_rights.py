"""Subject access and erasure: everything held about a subject with its disclosure log, and erasure with a
notice to everyone it was disclosed to."""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import AuditEvent, Broadcast, Delivery, Exclusion, Partnership, Person, Report, StoredFile, Subject
from engine.retention.dispose import dispose_subject
from engine.services.audit import record
from engine.services.bulk import Outgoing, queue_many

# The messages that carry a subject's details to partnership members and boards.
SUBJECT_KINDS = ("member.exclusion.notice", "member.exclusion.lifted", "board.exclusion.proposal")


def get_subject(session: Session, subject_id: int) -> Subject:
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise NotFound(f"there is no subject {subject_id}")
    return subject


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def disclosures(session: Session, subject: Subject) -> list[tuple[Delivery, dict[str, Any]]]:
    """Every delivery that carried this subject's details, with the values it was sent with."""
    partnership = session.get(Partnership, subject.partnership_id) if subject.partnership_id else None
    found = []
    rows = session.execute(select(Delivery, Broadcast.context).outerjoin(Broadcast, Broadcast.id == Delivery.broadcast_id)
                           .where(Delivery.kind.in_(SUBJECT_KINDS)).order_by(Delivery.id))
    for delivery, shared in rows:
        values = (shared or {}) | (delivery.context or {})
        if values.get("subject_ref") == subject.ref and (
                partnership is None or values.get("partnership_name") == partnership.name):
            found.append((delivery, values))
    return found


def export_subject(session: Session, env: Env, subject: Subject, actor: str) -> dict[str, Any]:
    """Subject access: the record, its files (described, not their bytes), exclusions, reports naming it,
    the audit trail and the disclosure log (who received it, when). The export itself is audited."""
    exclusions = list(session.scalars(select(Exclusion).where(Exclusion.subject_id == subject.id)))
    exclusion_ids = [ex.id for ex in exclusions]
    events = session.scalars(select(AuditEvent).where(or_(
        (AuditEvent.object_kind == "subject") & (AuditEvent.object_id == subject.id),
        (AuditEvent.object_kind == "exclusion") & AuditEvent.object_id.in_(exclusion_ids or [-1])))
        .order_by(AuditEvent.id))
    record(session, env, actor, "subject.exported", "subject", subject.id)
    return {
        "subject": {"id": subject.id, "ref": subject.ref, "category": subject.category, "source": subject.source,
                    "name": subject.name, "aliases": subject.aliases, "date_of_birth": _iso(subject.date_of_birth),
                    "description": subject.description, "last_seen": _iso(subject.last_seen),
                    "expires_at": _iso(subject.expires_at), "review_at": _iso(subject.review_at),
                    "withdrawn_at": _iso(subject.withdrawn_at), "disposed_at": _iso(subject.disposed_at),
                    "created_at": _iso(subject.created_at)},
        "files": [{"filename": f.filename, "content_type": f.content_type, "size": f.size, "sha256": f.sha256}
                  for f in session.scalars(select(StoredFile).where(StoredFile.subject_id == subject.id))],
        "exclusions": [{"id": ex.id, "stage": ex.stage, "status": ex.status, "starts_at": _iso(ex.starts_at),
                        "ends_at": _iso(ex.ends_at), "reason": ex.reason} for ex in exclusions],
        "reports": [{"ref": r.ref, "kind": r.kind, "created_at": _iso(r.created_at)}
                    for r in session.scalars(select(Report).where(Report.subject_id == subject.id))],
        "disclosures": [{"to": d.to_addr, "kind": d.kind, "status": d.status, "queued_at": _iso(d.created_at),
                         "sent_at": _iso(d.sent_at)} for d, _values in disclosures(session, subject)],
        "audit": [{"id": e.id, "at": _iso(e.at), "actor": e.actor, "action": e.action, "object": e.object_kind,
                   "object_id": e.object_id, "details": e.details} for e in events],
    }


def erase_subject(session: Session, env: Env, subject: Subject, reason: str, actor: str) -> int:
    """Erase the subject's personal details now; everyone who received them is told to delete their copies,
    and the copies PEP kept in its messages are blanked. Returns how many people were told."""
    if not reason.strip():
        raise InvalidInput("an erasure needs a reason (--reason)")
    if subject.disposed_at is not None:
        raise Conflict(f"subject {subject.id} was already erased or disposed of on "
                       f"{subject.disposed_at.date().isoformat()}")
    sent = disclosures(session, subject)
    partnership = session.get(Partnership, subject.partnership_id) if subject.partnership_id else None
    people = {d.person_id: d.to_addr for d, _v in sent if d.person_id is not None}
    live = {pid for pid in session.scalars(select(Person.id).where(Person.id.in_(list(people)),
                                                                    Person.suppressed_at.is_(None)))}
    today = env.clock.now().astimezone(env.settings.tz).date().isoformat()
    queue_many(session, env, "member.subject.erased",
               {"ref": subject.ref, "partnership_name": partnership.name if partnership else env.settings.force_name,
                "erased_on": today},
               [Outgoing(pid, people[pid], {}) for pid in sorted(live)])
    delivery_ids = [d.id for d, _v in sent]
    broadcast_ids = sorted({d.broadcast_id for d, _v in sent if d.broadcast_id is not None})
    if delivery_ids:
        session.execute(update(Delivery).where(Delivery.id.in_(delivery_ids), Delivery.status == "queued")
                        .values(status="failed", last_error="subject erased before sending")
                        .execution_options(synchronize_session=False))
        session.execute(update(Delivery).where(Delivery.id.in_(delivery_ids)).values(context={})
                        .execution_options(synchronize_session=False))
    if broadcast_ids:
        session.execute(update(Broadcast).where(Broadcast.id.in_(broadcast_ids)).values(context={}, attachments=[])
                        .execution_options(synchronize_session=False))
    record(session, env, actor, "subject.erased", "subject", subject.id, reason=reason.strip(),
           notified=sorted(people[pid] for pid in live), messages_blanked=len(delivery_ids))
    dispose_subject(session, env, subject, "erasure", actor=actor)
    return len(live)
