"""Exclusion schemes: a chair proposes, the board approves, every member is told; expiry lifts it."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.dates import add_months
from engine.env import Env
from engine.errors import Conflict, InvalidInput, NotPermitted
from engine.models import Exclusion, ExclusionApproval, Partnership, Person, Report, Role, Subject
from engine.services.audit import record
from engine.services.fanout import fan_out
from engine.services.outbox import queue_message
from engine.services.subjects import photo_refs
from engine.services.tokens import issue_token, reply_address

BOARD_ROLES = ("chair", "board")
MEMBER_ROLES = ("chair", "board", "member")
OPEN = ("proposed", "warning", "active")
IN_FORCE = ("warning", "active")
MAX_MONTHS = 60


def board_ids(session: Session, partnership_id: int) -> list[int]:
    return sorted(set(session.scalars(select(Role.person_id).where(
        Role.partnership_id == partnership_id, Role.role.in_(BOARD_ROLES), Role.ended_at.is_(None)))))


def quorum(env: Env, board_size: int) -> int:
    """Approvals needed: the setting, but never more than the board has members."""
    return max(1, min(env.settings.exclusion_quorum, board_size))


def _approvals(session: Session, exclusion_id: int) -> int:
    return session.scalar(select(func.count()).select_from(ExclusionApproval)
                          .where(ExclusionApproval.exclusion_id == exclusion_id)) or 0


def _values(session: Session, ex: Exclusion, subject: Subject, partnership: Partnership) -> dict[str, Any]:
    return {"partnership_name": partnership.name, "subject_name": subject.name, "subject_ref": subject.ref,
            "aliases": ", ".join(subject.aliases or []), "description": subject.description or "",
            "stage": ex.stage, "months": ex.months, "reason": ex.reason,
            "starts_on": ex.starts_at.date().isoformat() if ex.starts_at else "",
            "ends_on": ex.ends_at.date().isoformat() if ex.ends_at else ""}


def propose(session: Session, env: Env, proposer: Person, subject: Subject, months: int | None,
            reason: str) -> Exclusion:
    """Open a proposal for the subject's partnership; the proposer's approval counts as the first."""
    if subject.partnership_id is None:
        raise InvalidInput(f"{subject.ref} is a police record: a partnership excludes only its own subjects")
    partnership = session.get(Partnership, subject.partnership_id)
    assert partnership is not None
    board = board_ids(session, partnership.id)
    if proposer.id not in board:
        raise NotPermitted(f"only the board of {partnership.name} may propose an exclusion")
    if not reason.strip():
        raise InvalidInput("an exclusion needs a reason")
    if months is not None and not 1 <= months <= MAX_MONTHS:
        raise InvalidInput(f"an exclusion lasts 1 to {MAX_MONTHS} months, not {months}")
    if session.scalar(select(Exclusion.id).where(Exclusion.subject_id == subject.id,
                                                 Exclusion.status.in_(OPEN))) is not None:
        raise Conflict(f"{subject.ref} already has an exclusion proposed or in force")
    earlier = session.scalar(select(Exclusion.id).where(Exclusion.subject_id == subject.id,
                                                        Exclusion.status.in_(("expired", "lifted"))).limit(1))
    warning = env.settings.exclusion_warning_months
    stage = "warning" if warning > 0 and earlier is None else "exclusion"
    length = warning if stage == "warning" else (months or env.settings.exclusion_default_months)
    now = env.clock.now()
    ex = Exclusion(subject_id=subject.id, partnership_id=partnership.id, stage=stage, status="proposed",
                   months=length, reason=" ".join(reason.split()), proposed_by_id=proposer.id, proposed_at=now,
                   proposal_expires_at=now + timedelta(days=env.settings.exclusion_proposal_days))
    session.add(ex)
    session.flush()
    session.add(ExclusionApproval(exclusion_id=ex.id, person_id=proposer.id, approved_at=now))
    session.flush()
    record(session, env, proposer.email, "exclusion.proposed", "exclusion", ex.id, subject=subject.ref,
           partnership=partnership.name, stage=stage, months=length, reason=ex.reason)
    needed = quorum(env, len(board))
    if needed <= 1:
        _put_in_force(session, env, ex, subject, partnership)
        return ex
    values = _values(session, ex, subject, partnership) | {"proposed_by": proposer.name or proposer.email,
                                                           "needed": needed,
                                                           "reply_before": ex.proposal_expires_at.date().isoformat()}
    for person_id in board:
        if person_id == proposer.id:
            continue
        member = session.get(Person, person_id)
        assert member is not None
        token = issue_token(session, env, "exclusion", member, "exclusion", ex.id,
                            timedelta(days=env.settings.exclusion_proposal_days))
        queue_message(session, env, "board.exclusion.proposal", values | {"person_name": member.name or member.email},
                      person=member, reply_token=reply_address(env, token), attachments=photo_refs(session, subject.id))
    return ex


def approve(session: Session, env: Env, ex: Exclusion, person: Person, inbound_message_id: int | None = None) -> str:
    """Count a board member's approval once; at quorum the exclusion comes into force."""
    if ex.status != "proposed":
        raise Conflict(f"this exclusion is {ex.status} already: nothing to approve")
    now = env.clock.now()
    if now >= ex.proposal_expires_at:
        raise Conflict("the proposal has lapsed: the chair may propose it again")
    board = board_ids(session, ex.partnership_id)
    if person.id not in board:
        raise NotPermitted("only board members approve an exclusion")
    already = session.scalar(select(ExclusionApproval.id).where(ExclusionApproval.exclusion_id == ex.id,
                                                                ExclusionApproval.person_id == person.id))
    if already is None:
        session.add(ExclusionApproval(exclusion_id=ex.id, person_id=person.id, approved_at=now,
                                      inbound_message_id=inbound_message_id))
        session.flush()
        record(session, env, person.email, "exclusion.approved", "exclusion", ex.id,
               inbound_message_id=inbound_message_id)
    count, needed = _approvals(session, ex.id), quorum(env, len(board))
    if count >= needed:
        subject = session.get(Subject, ex.subject_id)
        partnership = session.get(Partnership, ex.partnership_id)
        assert subject is not None and partnership is not None
        _put_in_force(session, env, ex, subject, partnership)
        return f"exclusion {ex.id} approved ({count} of {needed}): in force until {ex.ends_at.date()}"  # type: ignore[union-attr]
    return f"exclusion {ex.id}: {count} of {needed} approvals"


def _members(partnership_id: int):  # type: ignore[no-untyped-def]
    return select(Role.person_id).where(Role.partnership_id == partnership_id, Role.role.in_(MEMBER_ROLES),
                                        Role.ended_at.is_(None))


def _put_in_force(session: Session, env: Env, ex: Exclusion, subject: Subject, partnership: Partnership) -> None:
    now = env.clock.now()
    ex.status = "warning" if ex.stage == "warning" else "active"
    ex.starts_at, ex.ends_at = now, add_months(now, ex.months)
    session.flush()
    record(session, env, "pep", "exclusion.in_force", "exclusion", ex.id, status=ex.status,
           ends_at=ex.ends_at.isoformat())
    fan_out(session, env, "member.exclusion.notice", _values(session, ex, subject, partnership), _members(partnership.id),
            attachments=photo_refs(session, subject.id), bulk=False)


def expire_exclusions(session: Session, env: Env) -> int:
    """Lift every exclusion or warning whose time is up (a lifting notice to every member) and let
    proposals that were not approved in time lapse. Idempotent; the scheduler calls it."""
    now = env.clock.now()
    ended = list(session.scalars(select(Exclusion).where(Exclusion.status.in_(IN_FORCE), Exclusion.ends_at <= now)
                                 .with_for_update(skip_locked=True)))
    for ex in ended:
        _close(session, env, ex, "expired", "pep")
    for ex in session.scalars(select(Exclusion).where(Exclusion.status == "proposed",
                                                      Exclusion.proposal_expires_at <= now)):
        ex.status, ex.closed_at = "lapsed", now
        record(session, env, "pep", "exclusion.lapsed", "exclusion", ex.id)
    return len(ended)


def lift(session: Session, env: Env, ex: Exclusion, actor: str, why: str) -> None:
    """End an exclusion early (an appeal upheld); members get the lifting notice."""
    if ex.status not in IN_FORCE:
        raise Conflict(f"exclusion {ex.id} is {ex.status}: it is not in force")
    _close(session, env, ex, "lifted", actor, why)


def _close(session: Session, env: Env, ex: Exclusion, status: str, actor: str, why: str = "") -> None:
    ex.status, ex.closed_at = status, env.clock.now()
    subject = session.get(Subject, ex.subject_id)
    partnership = session.get(Partnership, ex.partnership_id)
    assert subject is not None and partnership is not None
    record(session, env, actor, f"exclusion.{status}", "exclusion", ex.id, why=why)
    fan_out(session, env, "member.exclusion.lifted",
            _values(session, ex, subject, partnership) | {"lifted_on": ex.closed_at.date().isoformat(),
                                                          "early": status == "lifted"},
            _members(partnership.id), bulk=False)


def extend_on_incident(session: Session, env: Env, report: Report) -> list[Exclusion]:
    """A new incident naming an excluded subject, in the excluding partnership, extends the exclusion
    by PEP_EXCLUSION_EXTEND_MONTHS (0: never)."""
    months = env.settings.exclusion_extend_months
    if months <= 0 or report.subject_id is None or report.kind != "incident":
        return []
    extended = list(session.scalars(select(Exclusion).where(
        Exclusion.subject_id == report.subject_id, Exclusion.partnership_id == report.partnership_id,
        Exclusion.status.in_(IN_FORCE))))
    for ex in extended:
        ex.ends_at = add_months(ex.ends_at, months)  # type: ignore[arg-type]
        ex.extensions += 1
        record(session, env, "pep", "exclusion.extended", "exclusion", ex.id, report=report.ref, months=months,
               ends_at=ex.ends_at.isoformat())
    return extended


def lodge_appeal(session: Session, env: Env, ex: Exclusion, actor: str) -> None:
    """Record an appeal; allowed only after PEP_EXCLUSION_APPEAL_AFTER_MONTHS without an incident."""
    if ex.status not in IN_FORCE or ex.starts_at is None:
        raise Conflict(f"exclusion {ex.id} is {ex.status}: there is nothing to appeal")
    now = env.clock.now()
    months = env.settings.exclusion_appeal_after_months
    window = add_months(now, -months)
    if ex.starts_at > window:
        raise Conflict(f"an appeal may be lodged {months} months after the exclusion began "
                       f"(from {add_months(ex.starts_at, months).date()})")
    last = session.scalar(select(func.max(func.coalesce(Report.occurred_at, Report.created_at))).where(
        Report.subject_id == ex.subject_id, Report.partnership_id == ex.partnership_id, Report.kind == "incident"))
    if last is not None and last > window:
        raise Conflict(f"an appeal needs {months} months without an incident; the last was on {last.date()}")
    ex.appeal_lodged_at = now
    record(session, env, actor, "exclusion.appeal", "exclusion", ex.id)


def list_exclusions(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(Exclusion, Subject, Partnership).join(Subject, Subject.id == Exclusion.subject_id)
                           .join(Partnership, Partnership.id == Exclusion.partnership_id).order_by(Exclusion.id)).all()
    return [{"id": ex.id, "partnership": p.name, "subject": s.ref, "name": s.name, "stage": ex.stage,
             "status": ex.status, "months": ex.months, "approvals": _approvals(session, ex.id),
             "starts_at": ex.starts_at, "ends_at": ex.ends_at, "extensions": ex.extensions,
             "appeal_lodged_at": ex.appeal_lodged_at, "reason": ex.reason} for ex, s, p in rows]
