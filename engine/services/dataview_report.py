"""The dataview by email: only to police, as an MJML report with a chart of the top candidates."""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import NotPermitted
from engine.models import Role, StoredFile
from engine.services.audit import record
from engine.services.dataview_chart import activity_chart
from engine.services.outbox import queue_message
from engine.services.people import get_person

POLICE_ROLES = ("admin", "coordinator", "officer")
TOP_ROWS = 20


def months_between(since: datetime, now: datetime) -> list[str]:
    out, year, month = [], since.year, since.month
    while (year, month) <= (now.year, now.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def email_dataview(session: Session, env: Env, rows: list[dict[str, Any]], address: str, purpose: str,
                   actor: str, since: datetime) -> int:
    """Queue the report to a registered police person; anyone else is refused. Returns the delivery id."""
    person = get_person(session, address)
    police = session.scalar(select(Role.id).where(Role.person_id == person.id, Role.role.in_(POLICE_ROLES),
                                                  Role.ended_at.is_(None)).limit(1))
    if police is None:
        raise NotPermitted(f"{person.email} is not police (admin, coordinator or officer): the dataview goes "
                           "only to police")
    now = env.clock.now()
    png = activity_chart(rows, months_between(since, now))
    chart = StoredFile(filename="dataview-activity.png", content_type="image/png", size=len(png),
                       sha256=hashlib.sha256(png).hexdigest(), data=png, created_at=now)
    session.add(chart)
    session.flush()
    top = [{"rank": r["rank"], "score": r["score"], "names": ", ".join(r["names"][:3]),
            "partnerships": ", ".join(r["partnerships"]), "incidents": r["incidents"]["total"],
            "last_seen": r["last_seen"] or "", "reasons": "; ".join(r["reasons"]),
            "exclusions": ", ".join(f"{e['partnership']} until {e['until']}" for e in r["exclusions"])}
           for r in rows[:TOP_ROWS]]
    delivery = queue_message(session, env, "police.dataview.report", {
        "person_name": person.name or person.email, "purpose": purpose, "requested_by": actor,
        "since": since.date().isoformat(), "people_count": len(rows), "rows": top,
        "possible_count": sum(len(r["possible_matches"]) for r in rows),
    }, person=person, attachments=[{"stored_file": chart.id}])
    record(session, env, actor, "dataview.emailed", "person", person.id, to=person.email, purpose=purpose,
           rows=len(top), delivery_id=delivery.id if delivery else None)
    return delivery.id if delivery else 0
