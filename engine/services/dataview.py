"""The police dataview: subjects from every sharing partnership resolved into people, with activity."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dates import add_months
from engine.env import Env
from engine.errors import InvalidInput
from engine.models import Area, Exclusion, Partnership, Report, Subject
from engine.resolution import resolve
from engine.services.activity import activity_score
from engine.services.areas import find_area
from engine.services.audit import record
from engine.services.dataview_records import as_record
from engine.services.match_decisions import all_decisions
from engine.services.subjects import visible_subjects

DEFAULT_PERIOD_MONTHS = 12


@dataclass(frozen=True)
class Query:
    """What a dataview run asks for, and why (`purpose` is required and audited)."""

    purpose: str
    actor: str
    area: str | None = None
    since: datetime | None = None
    min_partnerships: int = 1


def _partnership_names(session: Session) -> tuple[dict[int, Partnership], dict[int, Area]]:
    partnerships = {p.id: p for p in session.scalars(select(Partnership))}
    areas = {a.id: a for a in session.scalars(select(Area))}
    return partnerships, areas


def _incidents(session: Session, subject_ids: list[int], since: datetime, shared: set[int]) -> dict[int, list[Report]]:
    found: dict[int, list[Report]] = defaultdict(list)
    for start in range(0, len(subject_ids), 500):
        chunk = subject_ids[start:start + 500]
        for report in session.scalars(select(Report).where(Report.subject_id.in_(chunk), Report.kind == "incident")):
            when = report.occurred_at or report.created_at
            if when >= since and (report.partnership_id is None or report.partnership_id in shared):
                found[report.subject_id].append(report)  # type: ignore[index]
    return found


def run_dataview(session: Session, env: Env, query: Query) -> list[dict[str, Any]]:
    """One row per resolved person, ranked by activity; the run is audited with who and why."""
    if not query.purpose.strip():
        raise InvalidInput("say why you are looking (--purpose): every dataview run is audited")
    if query.min_partnerships < 1:
        raise InvalidInput("--min-partnerships must be at least 1")
    now = env.clock.now()
    since = query.since or add_months(now, -DEFAULT_PERIOD_MONTHS)
    scope = find_area(session, query.area) if query.area else None
    partnerships, areas = _partnership_names(session)
    shared = {pid for pid, p in partnerships.items() if p.shares_with_police}
    subjects = {s.id: s for s in session.scalars(visible_subjects(now))}
    today = now.astimezone(env.settings.tz).date()
    resolution = resolve([as_record(s, today) for s in subjects.values()], env.settings.match_link_score,
                         env.settings.match_possible_score, all_decisions(session))
    incidents = _incidents(session, list(subjects), since, shared)
    exclusions = defaultdict(list)
    for ex in session.scalars(select(Exclusion).where(Exclusion.status.in_(("active", "warning")))):
        exclusions[ex.subject_id].append(ex)
    owner = resolution.person_of()
    possible: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for link in resolution.possible:
        for mine, other in ((link.a, link.b), (link.b, link.a)):
            possible[owner[mine]].append({"record": mine, "other": other, "score": link.score,
                                          "reasons": list(link.reasons)})
    rows = []
    for index, group in enumerate(resolution.people):
        members = [subjects[i] for i in group]
        row = _row(members, incidents, exclusions, partnerships, areas, since, now)
        row["match_reasons"] = [{"records": [l.a, l.b], "score": l.score, "reasons": list(l.reasons)}
                                for l in resolution.links.get(index, [])]
        row["possible_matches"] = possible.get(index, [])
        if len(row["partnerships"]) < query.min_partnerships:
            continue
        if scope is not None and not any(areas[a].path.startswith(scope.path) for a in row["_area_ids"]):
            continue
        rows.append(row)
    rows.sort(key=lambda r: (-r["score"], r["names"][0]))
    for rank, row in enumerate(rows, start=1):
        row.pop("_area_ids")
        row["rank"] = rank
    record(session, env, query.actor, "dataview.run", "dataview", None, purpose=query.purpose, area=query.area,
           since=since.isoformat(), min_partnerships=query.min_partnerships, rows=len(rows),
           subjects=len(subjects))
    return rows


def _row(members: list[Subject], incidents: dict[int, list[Report]], exclusions: dict[int, list[Exclusion]],
         partnerships: dict[int, Partnership], areas: dict[int, Area], since: datetime,
         now: datetime) -> dict[str, Any]:
    def pname(pid: int | None) -> str:
        return partnerships[pid].name if pid is not None and pid in partnerships else "police"

    reports = [r for s in members for r in incidents.get(s.id, [])]
    by_partnership = Counter(pname(r.partnership_id) for r in reports)
    by_month = Counter((r.occurred_at or r.created_at).strftime("%Y-%m") for r in reports)
    names = list(dict.fromkeys(n for s in members for n in (s.name, *s.aliases)))
    known_to = sorted({pname(s.partnership_id) for s in members} | set(by_partnership))
    area_ids = {partnerships[s.partnership_id].area_id for s in members if s.partnership_id in partnerships}
    area_ids |= {r.area_id for r in reports if r.area_id is not None}
    seen = [s.last_seen for s in members if s.last_seen] + [(r.occurred_at or r.created_at).date() for r in reports]
    activity = activity_score([r.occurred_at or r.created_at for r in reports],
                              len([p for p in known_to if p != "police"]), since, now)
    return {
        "names": names,
        "records": [{"partnership": pname(s.partnership_id), "ref": s.ref, "id": s.id, "source": s.source}
                    for s in members],
        "partnerships": known_to,
        "areas": sorted({areas[a].name for a in area_ids if a in areas}),
        "date_of_birth": sorted({s.date_of_birth.isoformat() for s in members if s.date_of_birth}),
        "incidents": {"total": len(reports), "by_partnership": dict(sorted(by_partnership.items())),
                      "by_month": dict(sorted(by_month.items()))},
        "last_seen": max(seen).isoformat() if seen else None,
        "exclusions": [{"partnership": pname(ex.partnership_id), "stage": ex.stage,
                        "until": ex.ends_at.date().isoformat() if ex.ends_at else None}
                       for s in members for ex in exclusions.get(s.id, [])],
        "score": activity.score,
        "reasons": list(activity.reasons),
        "_area_ids": area_ids,
    }
