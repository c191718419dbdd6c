"""Who PEP thinks a person is: their roles, partnerships and what they receive, in plain sentences."""
from __future__ import annotations

from datetime import tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Area, IsaConfirmation, Partnership, Person
from engine.services.people import current_roles

_ROLE_WORDS = {"admin": "administrator for the whole force", "coordinator": "coordinator for",
               "officer": "officer for", "chair": "chair of", "member": "member of"}


def _partnership_line(session: Session, tz: tzinfo, partnership: Partnership) -> str:
    line = f"{partnership.name}: {partnership.status}"
    confirmation = session.scalar(select(IsaConfirmation).where(IsaConfirmation.partnership_id == partnership.id)
                                  .order_by(IsaConfirmation.expires_at.desc()).limit(1))
    if confirmation is not None:
        line += f", agreement confirmed until {confirmation.expires_at.astimezone(tz).date().isoformat()}"
    return line


def describe(session: Session, person: Person, tz: tzinfo) -> list[str]:
    """One sentence per fact: name and address, each role, each partnership's state, what mail they get."""
    lines = [f"You are {person.name or person.email} <{person.email}>."]
    roles = current_roles(session, person.id)
    if not roles:
        lines.append("You hold no role at the moment.")
    for role in roles:
        words = _ROLE_WORDS.get(role.role, role.role)
        if role.partnership_id is not None:
            partnership = session.get(Partnership, role.partnership_id)
            if partnership is not None:
                lines.append(f"You are {words} {_partnership_line(session, tz, partnership)}.")
        elif role.area_id is not None:
            area = session.get(Area, role.area_id)
            lines.append(f"You are {words} {area.name if area else 'an area'} and everything within it.")
        else:
            lines.append(f"You are {words}.")
    if person.unsubscribed_at is not None:
        lines.append("You are unsubscribed: you get only essential messages (the agreement and alerts).")
    else:
        lines.append("The weekly digest is " + ("on." if person.digest_on else "off."))
    return lines
