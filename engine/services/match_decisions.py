"""Police decisions that two subject records are (`link`) or are not (`unlink`) the same person."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import InvalidInput
from engine.models import MatchDecision, Subject
from engine.resolution import explain_pair
from engine.services.audit import record
from engine.services.dataview_records import as_record

DECISIONS = ("link", "unlink")


def decide(session: Session, env: Env, a: Subject, b: Subject, decision: str, actor: str,
           reason: str = "") -> tuple[MatchDecision, float, tuple[str, ...]]:
    """Keep the decision (replacing an earlier one for the same pair); later dataview runs obey it."""
    if decision not in DECISIONS:
        raise InvalidInput(f"a decision is link or unlink, not {decision!r}")
    if a.id == b.id:
        raise InvalidInput("a record is always the same person as itself")
    low, high = sorted((a.id, b.id))
    row = session.scalar(select(MatchDecision).where(MatchDecision.subject_a_id == low,
                                                     MatchDecision.subject_b_id == high))
    now = env.clock.now()
    if row is None:
        row = MatchDecision(subject_a_id=low, subject_b_id=high, decision=decision, decided_by=actor,
                            reason=reason, decided_at=now)
        session.add(row)
    else:
        row.decision, row.decided_by, row.reason, row.decided_at = decision, actor, reason, now
    session.flush()
    today = now.astimezone(env.settings.tz).date()
    score, reasons = explain_pair(as_record(a, today), as_record(b, today))
    record(session, env, actor, f"dataview.{decision}", "subject", low, other=high, reason=reason, score=score)
    return row, score, reasons


def all_decisions(session: Session) -> list[tuple[int, int, str]]:
    return [(r.subject_a_id, r.subject_b_id, r.decision) for r in session.scalars(select(MatchDecision))]
