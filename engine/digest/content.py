"""What is current for digest readers, gathered set-based: publications they received that are still in
force and still pass the gate, report counts per partnership and week, ISA deadlines, police summaries."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Area, BounceEvent, Delivery, IsaConfirmation, Partnership, Publication, Report, Role
from engine.services import gate
from engine.services.expiry import publication_current
from engine.services.isa import current_version
from engine.services.isa_standing import deadline_of, latest_confirmation

WEEKS = 12
NEWS_DAYS = 7
LAPSING_DAYS = 30


@dataclass
class World:
    """Everything the digest needs, read once per run: no query per reader."""

    now: datetime
    week_starts: list[date]
    received: dict[int, list[int]]                      # person id -> publications received, still current
    publications: dict[int, dict[str, Any]]             # publication id -> what the digest shows of it
    gated_partnerships: set[int]                        # may receive personal data now
    series: dict[int, list[int]]                        # partnership id -> reports per week, oldest first
    this_year: dict[int, int]
    partnership: dict[int, tuple[str, str]]             # id -> (name, area path)
    deadlines: dict[int, datetime]                      # partnership id -> must confirm the ISA by
    bounces: dict[int, int]                             # partnership id -> bounces in the last week
    force_bounces: int


def _received(session: Session, env: Env, now: datetime,
              person_id: int | None) -> tuple[dict[int, list[int]], dict[int, dict[str, Any]]]:
    """Who received which current publication (ids only: a force has many readers and few publications)."""
    since = now - timedelta(days=NEWS_DAYS)
    shown = {pid: {"id": pid, "kind": kind, "category": category, "title": title, "expires_at": expires,
                   "starts_at": starts, "place": place}
             for pid, kind, category, title, expires, starts, place, published in session.execute(
                 select(Publication.id, Publication.kind, Publication.category, Publication.title,
                        Publication.expires_at, Publication.starts_at, Publication.place, Publication.published_at)
                 .where(publication_current(now)))
             if not (kind in ("news", "document") and (published is None or published < since))
             and not (kind in ("event", "meeting") and (starts is None or starts <= now))}
    query = (select(Delivery.person_id, Delivery.publication_id)
             .where(Delivery.publication_id.in_(list(shown) or [-1]), Delivery.person_id.is_not(None),
                    Delivery.kind == "member.publication").distinct())
    if person_id is not None:
        query = query.where(Delivery.person_id == person_id)
    found: dict[int, list[int]] = defaultdict(list)
    for reader, publication in session.execute(query):
        found[reader].append(publication)
    return found, shown


def _gated(session: Session, now: datetime) -> set[int]:
    isa = gate.current_confirmations(now)
    return set(session.scalars(select(Partnership.id).join(isa, isa.c.partnership_id == Partnership.id)
                               .where(Partnership.status == "active")))


def week_starts(env: Env, now: datetime) -> list[datetime]:
    """Starts of the last WEEKS seven-day buckets, oldest first; the last bucket ends now."""
    return [now - timedelta(days=7 * (WEEKS - n)) for n in range(WEEKS)]


def _reports(session: Session, env: Env, now: datetime, starts: list[datetime]) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Per partnership, reports per week bucket and this (local) year: one grouped query."""
    local = now.astimezone(env.settings.tz)
    year_start = datetime(local.year, 1, 1, tzinfo=env.settings.tz)
    edges = starts + [now]
    buckets = [func.sum(case((and_(Report.created_at >= edges[n], Report.created_at < edges[n + 1]), 1), else_=0))
               for n in range(WEEKS)]
    year = func.sum(case((Report.created_at >= year_start, 1), else_=0))
    series: dict[int, list[int]] = {}
    totals: dict[int, int] = {}
    for row in session.execute(select(Report.partnership_id, year, *buckets)
                               .where(Report.partnership_id.is_not(None),
                                      Report.created_at >= min(year_start, starts[0]), Report.created_at < now)
                               .group_by(Report.partnership_id)):
        totals[row[0]] = int(row[1] or 0)
        series[row[0]] = [int(v or 0) for v in row[2:]]
    return series, totals


def _deadlines(session: Session, env: Env) -> dict[int, datetime]:
    current = current_version(session)
    latest = latest_confirmation()
    deadline = deadline_of(env, current)
    return dict(session.execute(select(Partnership.id, deadline)
                                .join(latest, latest.c.partnership_id == Partnership.id)
                                .join(IsaConfirmation, IsaConfirmation.id == latest.c.confirmation_id)
                                .where(Partnership.status == "active")).all())


def _bounces(session: Session, now: datetime) -> tuple[dict[int, int], int]:
    since = now - timedelta(days=7)
    total = session.scalar(select(func.count()).select_from(BounceEvent).where(BounceEvent.at >= since)) or 0
    per = dict(session.execute(select(Role.partnership_id, func.count(func.distinct(BounceEvent.id)))
                               .join(Role, (Role.person_id == BounceEvent.person_id) & Role.partnership_id.is_not(None))
                               .where(BounceEvent.at >= since).group_by(Role.partnership_id)).all())
    return per, int(total)


def gather(session: Session, env: Env, person_id: int | None = None) -> World:
    now = env.clock.now()
    starts = week_starts(env, now)
    series, totals = _reports(session, env, now, starts)
    bounces, force_bounces = _bounces(session, now)
    partnerships = {pid: (name, path) for pid, name, path in session.execute(
        select(Partnership.id, Partnership.name, Area.path).join(Area, Area.id == Partnership.area_id))}
    received, publications = _received(session, env, now, person_id)
    return World(now=now, week_starts=[s.astimezone(env.settings.tz).date() for s in starts],
                 received=received, publications=publications, gated_partnerships=_gated(session, now),
                 series=series, this_year=totals, partnership=partnerships, deadlines=_deadlines(session, env),
                 bounces=bounces, force_bounces=force_bounces)


