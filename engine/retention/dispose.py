"""Disposal: a subject's or report's personal details and files deleted, the row kept so counts survive,
and the disposal written to the audit log (what, when, which rule; never the content)."""
from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Delivery, InboundMessage, Report, StoredFile, Subject
from engine.services.audit import record

DISPOSED_NAME = "(disposed)"


def dispose_subject(session: Session, env: Env, subject: Subject, rule: str, actor: str = "pep") -> None:
    """Blank the subject's personal fields and delete its photos; its exclusions and links stay for counts."""
    if subject.disposed_at is not None:
        return
    photos = session.execute(delete(StoredFile).where(StoredFile.subject_id == subject.id)
                             .execution_options(synchronize_session=False)).rowcount
    subject.name, subject.aliases, subject.date_of_birth = DISPOSED_NAME, [], None
    subject.description, subject.last_seen, subject.age_from, subject.age_to = "", None, None, None
    subject.disposed_at = env.clock.now()
    if subject.withdrawn_at is None:
        subject.withdrawn_at = subject.disposed_at
    record(session, env, actor, "retention.disposed", "subject", subject.id, rule=rule, category=subject.category,
           ref=subject.ref, files_deleted=photos)


def dispose_report(session: Session, env: Env, report: Report, rule: str, actor: str = "pep") -> None:
    """Blank what the reporter wrote, delete its files and its raw message, and the relayed messages' text;
    the reference, kind, partnership and dates stay for the counts."""
    if report.disposed_at is not None:
        return
    files = session.execute(delete(StoredFile).where(StoredFile.report_id == report.id)
                            .execution_options(synchronize_session=False)).rowcount
    report.where_text, report.who_text, report.description = "", "", ""
    report.disposed_at = env.clock.now()
    if report.inbound_message_id is not None:
        session.execute(update(InboundMessage).where(InboundMessage.id == report.inbound_message_id)
                        .values(raw=None).execution_options(synchronize_session=False))
    session.execute(update(Delivery).where(Delivery.report_id == report.id, Delivery.status != "queued")
                    .values(context={}).execution_options(synchronize_session=False))
    record(session, env, actor, "retention.disposed", "report", report.id, rule=rule, ref=report.ref,
           files_deleted=files)


def subject_rows_due(session: Session, subject_ids: list[int]) -> list[Subject]:
    return list(session.scalars(select(Subject).where(Subject.id.in_(subject_ids), Subject.disposed_at.is_(None))))
