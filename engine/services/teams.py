"""Police teams that reports are routed to."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.addresses import normalise_email
from engine.env import Env
from engine.errors import Conflict, InvalidInput
from engine.models import Area, Team
from engine.services.audit import record


def add_team(session: Session, env: Env, name: str, email: str, area: Area | None, central: bool,
             actor: str = "cli") -> Team:
    """A team for an area (a safer neighbourhood team) or a central one, not both."""
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("a team needs a name")
    if (area is None) == (not central):
        raise InvalidInput("a team has either an area or is central")
    if session.scalar(select(Team.id).where(func.lower(Team.name) == clean.lower())) is not None:
        raise Conflict(f"team {clean!r} exists already")
    team = Team(name=clean, email=normalise_email(email), area_id=area.id if area else None, central=central)
    session.add(team)
    session.flush()
    record(session, env, actor, "team.added", "team", team.id, name=clean, email=team.email)
    return team


def list_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))
