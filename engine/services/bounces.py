"""Bounce evidence scored per address: past the threshold the person is suppressed and a contact is told."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.addresses import normalise_email
from engine.env import Env
from engine.errors import InvalidInput
from engine.models import BounceEvent, Person
from engine.services.audit import record
from engine.services.bounce_contacts import contacts_for
from engine.services.outbox import queue_message

HARD_POINTS = 1.0
SOFT_POINTS = 0.5
SUPPRESSED_KIND = "contact.bounce.suppressed"
# RFC 3463: the "7" subject is security or policy status. Servers that give only prose say so in words.
# The inbound side has richer per-format rules; this one reads a relay's reply at send time.
_POLICY_STATUS = re.compile(r"\b[45]\.7\.\d{1,3}\b")
_POLICY_WORDS = re.compile(r"spam|block ?list|black ?list|blocked|policy|reputation|dmarc|spamhaus", re.I)
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")


@dataclass(frozen=True)
class BounceOutcome:
    """What recording one bounce did: its evidence row, the address's score, whether it was suppressed now."""

    event: BounceEvent
    score: float
    suppressed_now: bool


def _clean(address: str) -> str:
    try:
        return normalise_email(address)
    except InvalidInput:
        return address.strip().strip("<>").lower()[:320]


def score(session: Session, env: Env, address: str) -> float:
    """Hard bounces count 1 and soft 0.5, within the window, not cleared; policy rejections never count."""
    since = env.clock.now() - timedelta(days=env.settings.bounce_window_days)
    rows = session.scalars(select(BounceEvent.hard).where(
        BounceEvent.address == _clean(address), BounceEvent.policy.is_(False),
        BounceEvent.cleared_at.is_(None), BounceEvent.at >= since))
    return sum(HARD_POINTS if hard else SOFT_POINTS for hard in rows)


def record_bounce(session: Session, env: Env, address: str, *, hard: bool, policy: bool, status: str | None,
                  diagnostic: str, delivery_id: int | None = None,
                  inbound_message_id: int | None = None) -> BounceOutcome:
    """Keep the evidence, re-score the address, and suppress its person when the score reaches the threshold.

    Idempotent per delivery: a second report of the same kind (hard, soft, policy) about the same delivery
    is not counted again (a "delayed" warning followed by the final failure counts both).
    """
    clean = _clean(address)
    # Lock the person: reports about one address processed at once must see each other's evidence,
    # or none of them would reach the threshold (PostgreSQL; SQLite serialises writers anyway).
    person = session.scalar(select(Person).where(Person.email == clean).with_for_update()
                            .execution_options(populate_existing=True))
    if delivery_id is not None:
        earlier = session.scalar(select(BounceEvent).where(BounceEvent.delivery_id == delivery_id,
                                                           BounceEvent.hard.is_(hard),
                                                           BounceEvent.policy.is_(policy)).limit(1))
        if earlier is not None:
            return BounceOutcome(earlier, score(session, env, clean), False)
    event = BounceEvent(address=clean, person_id=person.id if person else None, delivery_id=delivery_id,
                        inbound_message_id=inbound_message_id, hard=hard, policy=policy,
                        status=(status or None) and status[:20], diagnostic=" ".join(diagnostic.split())[:2000],
                        at=env.clock.now())
    session.add(event)
    session.flush()
    record(session, env, "pep", "bounce.recorded", "person" if person else "bounce_event",
           person.id if person else event.id, address=clean, hard=hard, policy=policy, status=status,
           delivery_id=delivery_id, inbound_message_id=inbound_message_id)
    total = score(session, env, clean)
    suppressed_now = (person is not None and person.suppressed_at is None and not policy
                      and total >= env.settings.bounce_threshold)
    if suppressed_now:
        assert person is not None
        _suppress(session, env, person, total)
    return BounceOutcome(event, total, suppressed_now)


def _suppress(session: Session, env: Env, person: Person, total: float) -> None:
    person.suppressed_at = env.clock.now()
    record(session, env, "pep", "person.suppressed", "person", person.id, email=person.email, score=total,
           threshold=env.settings.bounce_threshold)
    evidence = [{"when": e.at.astimezone(env.settings.tz).strftime("%Y-%m-%d %H:%M"),
                 "kind": "permanent" if e.hard else "temporary", "status": e.status or "",
                 "diagnostic": e.diagnostic[:300]}
                for e in session.scalars(select(BounceEvent).where(
                    BounceEvent.address == person.email, BounceEvent.policy.is_(False),
                    BounceEvent.cleared_at.is_(None)).order_by(BounceEvent.at.desc()).limit(5))]
    for contact in contacts_for(session, person):
        queue_message(session, env, SUPPRESSED_KIND, {
            "contact_name": contact.person.name or contact.person.email,
            "person_name": person.name or person.email,
            "person_email": person.email,
            "partnership_name": contact.partnership.name if contact.partnership else "",
            "evidence": evidence,
        }, person=contact.person)


def reset_bounces(session: Session, env: Env, address: str, reason: str, actor: str = "pep") -> int:
    """Clear the address's counted evidence and lift a suppression; returns how many events were cleared."""
    clean = _clean(address)
    now = env.clock.now()
    result = session.execute(update(BounceEvent).where(BounceEvent.address == clean,
                                                       BounceEvent.cleared_at.is_(None)).values(cleared_at=now))
    cleared = int(result.rowcount or 0)  # type: ignore[attr-defined]
    person = session.scalar(select(Person).where(Person.email == clean))
    lifted = person is not None and person.suppressed_at is not None
    if person is not None and lifted:
        person.suppressed_at = None
    if cleared or lifted:
        record(session, env, actor, "bounce.reset", "person" if person else "address",
               person.id if person else None, address=clean, cleared=cleared, unsuppressed=lifted, reason=reason)
    return cleared


def confirmed_reachable(session: Session, env: Env, person: Person, reason: str) -> None:
    """The person showed their address works (a genuine reply): their bounce score starts again."""
    reset_bounces(session, env, person.email, reason)


def list_bounces(session: Session, address: str | None = None, limit: int = 500) -> list[BounceEvent]:
    query = select(BounceEvent).order_by(BounceEvent.id.desc()).limit(limit)
    if address:
        query = query.where(BounceEvent.address == _clean(address))
    return list(session.scalars(query))


def classify_refusal(code: int | None, detail: str) -> tuple[str | None, bool]:
    """A relay's permanent refusal read as (enhanced status, policy?) for `record_bounce`."""
    found = _STATUS.search(detail)
    status = found.group(1) if found else (f"{str(code)[0]}.0.0" if code else None)
    policy = bool(_POLICY_STATUS.search(detail)) or bool(_POLICY_WORDS.search(detail))
    return status, policy
