"""Where a report goes: the report routes turned into team and police mailboxes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from engine.models import Area, Person, Team
from rules.model import TEAM_PREFIX, Route


# Built once (immutable, shared): it is asked for every report.
_AREA_TEAM = select(Team).where(Team.area_id == bindparam("area_id")).order_by(Team.id).limit(1)


@dataclass(frozen=True)
class Destination:
    """One mailbox a report is sent to, and why."""

    label: str
    email: str
    person_id: int | None = None


def area_chain(session: Session, area: Area | None, loaded: dict[int, Area] | None = None) -> list[Area]:
    """The area and every area above it, nearest first; `loaded`: every area by id, when the caller has them."""
    if area is None:
        return []
    ids = [int(part) for part in area.path.strip("/").split("/") if part]
    found = loaded if loaded is not None else {
        a.id: a for a in session.scalars(select(Area).where(Area.id.in_(ids)))}
    return [found[i] for i in reversed(ids) if i in found]


def report_facts(session: Session, kind: str, area: Area | None, text: str, reply_to_alert: bool,
                 chain: list[Area] | None = None) -> dict[str, Any]:
    """`chain`: the area's `area_chain`, when the caller has it already."""
    areas = chain if chain is not None else area_chain(session, area)
    return {"kind": kind, "areas": [a.name for a in areas], "text": text, "reply_to_alert": reply_to_alert}


def destinations(session: Session, routes: list[Route], area: Area | None, author: Person | None,
                 chain: list[Area] | None = None) -> list[Destination]:
    """Each distinct mailbox the routes' receivers name (an area's team is the nearest one above it)."""
    out: dict[str, Destination] = {}
    for route in routes:
        for receiver in route.receivers:
            for found in _resolve(session, receiver, area, author, chain):
                out.setdefault(found.email, found)
    return list(out.values())


def _resolve(session: Session, receiver: str, area: Area | None, author: Person | None,
             chain: list[Area] | None) -> list[Destination]:
    if receiver == "author":
        return [Destination("the alert's author", author.email, author.id)] if author else []
    if receiver == "central_team":
        return [Destination(t.name, t.email) for t in session.scalars(select(Team).where(Team.central.is_(True))
                                                                      .order_by(Team.name))]
    if receiver == "area_team":
        for candidate in chain if chain is not None else area_chain(session, area):
            team = session.scalar(_AREA_TEAM, {"area_id": candidate.id})
            if team is not None:
                return [Destination(team.name, team.email)]
        return []
    if receiver.startswith(TEAM_PREFIX):
        team = session.scalar(select(Team).where(func.lower(Team.name) == receiver[len(TEAM_PREFIX):].lower()))
        return [Destination(team.name, team.email)] if team else []
    return []
