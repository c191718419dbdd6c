"""The daily sweep: expiry recorded, review dates set, reminders sent, and what is past retention disposed of.

Audit events are never deleted: the log is the record of every disposal and is hash-chained.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import BounceEvent, Delivery, InboundMessage, Publication, Report, StoredFile, Subject
from engine.retention.dispose import dispose_report, dispose_subject
from engine.retention.policy import SUBJECT_CATEGORIES, months_before, retention_months, subject_kind
from engine.retention.review import send_reminders, set_review_dates
from engine.services.bulk import claim_many, record_many

FINISHED_INBOUND = ("done", "duplicate", "parked")
FINISHED_DELIVERIES = ("sent", "failed", "bounced")
CHART_NAME = "reports-per-week.png"
CHART_KEEP_DAYS = 35


def _rule(kind: str, months: int) -> str:
    return f"PEP_RETENTION_MONTHS {kind}={months}"


def record_expiries(session: Session, env: Env) -> int:
    """Publications and subjects that ran out since the last sweep: one audit event each, once. They are
    already left out of every message, digest and listing by the "still current" filters."""
    now = env.clock.now()
    pubs = session.execute(select(Publication.id, Publication.expires_at).where(
        Publication.status == "published", Publication.withdrawn_at.is_(None), Publication.expires_at <= now)).all()
    subs = session.execute(select(Subject.id, Subject.expires_at).where(
        Subject.withdrawn_at.is_(None), Subject.disposed_at.is_(None), Subject.expires_at <= now)).all()
    due = {f"expired:publication:{i}": ("publication", i, at) for i, at in pubs}
    due |= {f"expired:subject:{i}": ("subject", i, at) for i, at in subs}
    claimed = [due[k] for k in sorted(claim_many(session, env, due))]
    for kind in ("publication", "subject"):
        record_many(session, env, "pep", f"{kind}.expired", kind,
                    [(i, {"expired_at": at.isoformat()}) for k, i, at in claimed if k == kind])
    return len(claimed)


def dispose_subjects(session: Session, env: Env) -> int:
    """Subjects whose retention ran out (from withdrawal or expiry), unless a RETAIN set a later review."""
    now = env.clock.now()
    months = retention_months(env.settings)
    oldest = months_before(now, min(months[k] for k in SUBJECT_CATEGORIES))
    end = Subject.withdrawn_at.is_not(None)
    candidates = session.scalars(select(Subject).where(
        Subject.disposed_at.is_(None),
        or_(and_(end, Subject.withdrawn_at <= oldest), and_(Subject.withdrawn_at.is_(None), Subject.expires_at <= oldest)),
        or_(Subject.review_at.is_(None), Subject.review_at <= now))).all()
    done = 0
    for subject in candidates:
        kind = subject_kind(subject.category, subject.source)
        if (subject.withdrawn_at or subject.expires_at) <= months_before(now, months[kind]):
            dispose_subject(session, env, subject, _rule(kind, months[kind]))
            done += 1
    return done


def dispose_reports(session: Session, env: Env) -> int:
    months = retention_months(env.settings)["reports"]
    now = env.clock.now()
    reports = session.scalars(select(Report).where(Report.disposed_at.is_(None),
                                                   Report.created_at <= months_before(now, months),
                                                   or_(Report.review_at.is_(None), Report.review_at <= now))).all()
    for report in reports:
        dispose_report(session, env, report, _rule("reports", months))
    return len(reports)


def dispose_inbound(session: Session, env: Env) -> int:
    """Raw bodies (with their attachments) of finished inbound mail deleted; the row, its classification and
    outcome stay."""
    months = retention_months(env.settings)["inbound"]
    ids = list(session.scalars(select(InboundMessage.id).where(
        InboundMessage.raw.is_not(None), InboundMessage.status.in_(FINISHED_INBOUND),
        InboundMessage.received_at <= months_before(env.clock.now(), months))))
    if ids:
        session.execute(update(InboundMessage).where(InboundMessage.id.in_(ids)).values(raw=None)
                        .execution_options(synchronize_session=False))
        record_many(session, env, "pep", "retention.disposed", "inbound_message",
                    [(i, {"rule": _rule("inbound", months), "deleted": "raw message"}) for i in ids])
    return len(ids)


def dispose_deliveries(session: Session, env: Env) -> int:
    """Finished deliveries past retention deleted; those a bounce points to keep the row with the values blanked.
    One audit event per run names the rule, how many and the id range (the messages themselves were audited
    when sent)."""
    months = retention_months(env.settings)["deliveries"]
    old = and_(Delivery.status.in_(FINISHED_DELIVERIES),
               Delivery.created_at <= months_before(env.clock.now(), months))
    bounced = exists().where(BounceEvent.delivery_id == Delivery.id)
    span = session.execute(select(Delivery.id).where(old).order_by(Delivery.id)).scalars().all()
    if not span:
        return 0
    session.execute(update(Delivery).where(old, bounced).values(context={}, reply_token=None)
                    .execution_options(synchronize_session=False))
    deleted = session.execute(delete(Delivery).where(old, ~bounced).execution_options(synchronize_session=False)).rowcount
    record_many(session, env, "pep", "retention.disposed", "delivery",
                [(None, {"rule": _rule("deliveries", months), "count": len(span), "deleted": deleted,
                         "first_id": span[0], "last_id": span[-1]})])
    return len(span)


def drop_old_charts(session: Session, env: Env) -> int:
    """The digest's chart images are needed only until the digest is sent."""
    cutoff = env.clock.now() - timedelta(days=CHART_KEEP_DAYS)
    return session.execute(delete(StoredFile).where(
        StoredFile.filename == CHART_NAME, StoredFile.report_id.is_(None), StoredFile.publication_id.is_(None),
        StoredFile.subject_id.is_(None), StoredFile.created_at <= cutoff)
        .execution_options(synchronize_session=False)).rowcount


SWEEP_STEPS = (record_expiries, set_review_dates, send_reminders, dispose_subjects, dispose_reports,
               dispose_inbound, dispose_deliveries, drop_old_charts)


def sweep(session: Session, env: Env) -> dict[str, int]:
    """Every step, in order (data, not code); each is idempotent on its own."""
    return {step.__name__: step(session, env) for step in SWEEP_STEPS}
