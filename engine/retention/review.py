"""MOPI review: review dates from the category's period, reminders to the owning officer, and the
officer's RETAIN <months> <reason> or DISPOSE."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import InvalidInput, NotPermitted
from engine.models import Person, Report, Role, Subject
from engine.retention.dispose import dispose_subject
from engine.retention.policy import months_after, retention_months, review_months, subject_kind
from engine.services.audit import record
from engine.services.bulk import Outgoing, TokenRequest, claim_many, issue_many, queue_many, record_many
from engine.services.publications import CATEGORY_LABELS

REVIEW_REPLY_DAYS = 60
_RETAIN = re.compile(r"^\W*retain\W+(\d+)\s*(?:months?)?\W*(.*)$", re.IGNORECASE)
_DISPOSE = re.compile(r"^\W*dispose\b", re.IGNORECASE)


def set_review_dates(session: Session, env: Env) -> int:
    """Subjects and reports without a review date get one: created plus their kind's review period."""
    periods = review_months(env.settings)
    count = 0
    for subject in session.scalars(select(Subject).where(Subject.review_at.is_(None), Subject.disposed_at.is_(None))):
        subject.review_at = months_after(subject.created_at, periods[subject_kind(subject.category, subject.source)])
        count += 1
    for report in session.scalars(select(Report).where(Report.review_at.is_(None), Report.disposed_at.is_(None))):
        report.review_at = months_after(report.created_at, periods["reports"])
        count += 1
    return count


def dispose_on(env: Env, subject: Subject) -> object:
    """When retention ends for the subject: its end (withdrawal or expiry, else creation) plus its months."""
    end = subject.withdrawn_at or subject.expires_at or subject.created_at
    return months_after(end, retention_months(env.settings)[subject_kind(subject.category, subject.source)])


def send_reminders(session: Session, env: Env) -> int:
    """One reminder per subject and review date to its owning officer, with a RETAIN / DISPOSE reply."""
    now = env.clock.now()
    rows = session.execute(select(Subject, Person).join(Person, Person.id == Subject.owner_id)
                           .where(Subject.review_at <= now, Subject.disposed_at.is_(None),
                                  Person.suppressed_at.is_(None))).all()
    due = {f"review:subject:{s.id}:{s.review_at.isoformat()}": (s, p) for s, p in rows}
    claimed = [due[key] for key in sorted(claim_many(session, env, due))]
    tokens = issue_many(session, env, "review", [TokenRequest(p.id, "subject", s.id) for s, p in claimed],
                        timedelta(days=REVIEW_REPLY_DAYS))
    tz = env.settings.tz
    outgoing = [Outgoing(p.id, p.email, {
        "person_name": p.name or p.email, "ref": s.ref, "category_label": CATEGORY_LABELS.get(s.category, s.category),
        "review_on": s.review_at.astimezone(tz).date().isoformat(),
        "dispose_on": dispose_on(env, s).astimezone(tz).date().isoformat(),  # type: ignore[attr-defined]
        "max_months": env.settings.retain_max_months}, env.address(f"reply+{token}"))
        for (s, p), token in zip(claimed, tokens)]
    queue_many(session, env, "police.review.reminder", {}, outgoing)
    record_many(session, env, "pep", "review.reminded", "subject", [(s.id, {"to": p.email}) for s, p in claimed])
    return len(claimed)


@dataclass(frozen=True)
class Decision:
    """RETAIN (months, reason) or DISPOSE."""

    dispose: bool
    months: int = 0
    reason: str = ""


def parse_decision(env: Env, line: str) -> Decision | None:
    """None when the line is neither; an InvalidInput for a RETAIN without a reason or beyond the maximum."""
    if _DISPOSE.match(line):
        return Decision(dispose=True)
    found = _RETAIN.match(line)
    if not found:
        return None
    months, reason = int(found.group(1)), found.group(2).strip()
    if not 1 <= months <= env.settings.retain_max_months:
        raise InvalidInput(f"RETAIN {months} is beyond the policy maximum of {env.settings.retain_max_months} "
                           f"months: nothing has changed")
    if not reason:
        raise InvalidInput("RETAIN needs a reason after the months, for example RETAIN 6 still under investigation")
    return Decision(dispose=False, months=months, reason=reason)


def may_decide(session: Session, person: Person, subject: Subject) -> bool:
    if subject.owner_id == person.id:
        return True
    return session.scalar(select(Role.id).where(Role.person_id == person.id, Role.role == "admin",
                                                Role.ended_at.is_(None)).limit(1)) is not None


def apply_decision(session: Session, env: Env, person: Person, subject: Subject, decision: Decision) -> str:
    """Keep the subject for more months (a new review date) or dispose of it now; the outcome in words."""
    if subject.disposed_at is not None:
        return "it had already been disposed of."
    if not may_decide(session, person, subject):
        raise NotPermitted(f"only the officer responsible for record {subject.ref}, or an administrator, "
                           "may decide its review: nothing has changed")
    if decision.dispose:
        dispose_subject(session, env, subject, "review: DISPOSE", actor=person.email)
        return "disposed of: its personal details and photos are deleted."
    subject.review_at = months_after(env.clock.now(), decision.months)
    record(session, env, person.email, "review.retained", "subject", subject.id, months=decision.months,
           reason=decision.reason, review_at=subject.review_at.isoformat())
    day = subject.review_at.astimezone(env.settings.tz).date().isoformat()
    return f"kept for {decision.months} more months, until {day}; you will be asked again then."
