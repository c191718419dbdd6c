"""Set up a fan-out for fault scenarios: many registered people and one broadcast to all of them."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select

from engine.app import App
from engine.models import Delivery, Person, Role
from engine.services.fanout import fan_out


def people_and_broadcast(app: App, count: int) -> int:
    """Register `count` people in one statement and fan a message out to them; returns the broadcast id."""
    now = app.clock.now()
    with app.sessions() as session:
        session.execute(insert(Person), [{"email": f"member{n}@shops.example", "name": f"Member {n}",
                                          "digest_on": True, "created_at": now} for n in range(count)])
        members = select(Person.id).where(Person.email.like("member%@shops.example"))
        # Bulk mail goes only to people who hold a role.
        session.execute(insert(Role), [{"person_id": pid, "role": "member", "started_at": now}
                                       for pid in session.scalars(members)])
        broadcast = fan_out(session, app.env, "chair.isa.welcome",
                            {"person_name": "Member", "partnership_name": "Faultshire Shopwatch", "isa_version": 1,
                             "confirmed_until": "2027-11-27"},
                            select(Person.id).where(Person.email.like("member%@shops.example")))
        session.commit()
        return broadcast.id


def delivery_counts(app: App, broadcast_id: int) -> dict[str, Any]:
    with app.sessions() as session:
        rows = session.execute(select(Delivery.status, func.count()).where(Delivery.broadcast_id == broadcast_id)
                               .group_by(Delivery.status)).all()
    return {status: count for status, count in rows}
