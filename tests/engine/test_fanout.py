"""Fan-out: one broadcast, one delivery per selected person, suppressed and unsubscribed people skipped."""
from __future__ import annotations

from sqlalchemy import select

from engine.app import App
from engine.models import Delivery, Person
from engine.services.fanout import fan_out
from engine.services.people import add_person


def test_fan_out_creates_one_delivery_per_selected_person(app: App) -> None:
    # Given five people, one suppressed by bounces and one unsubscribed
    with app.sessions() as session:
        people = [add_person(session, app.env, f"p{i}@shop.example", f"P{i}", "admin") for i in range(5)]
        people[1].suppressed_at = app.clock.now()
        people[2].unsubscribed_at = app.clock.now()
        session.commit()
    # When an essential message and a non-essential one are fanned out to everyone
    with app.sessions() as session:
        everyone = select(Person.id)
        essential = fan_out(session, app.env, "chair.isa.welcome", {"partnership_name": "X"}, everyone)
        optional = fan_out(session, app.env, "chair.isa.welcome", {"partnership_name": "X"}, everyone,
                           essential=False)
        session.commit()
        rows = list(session.scalars(select(Delivery).order_by(Delivery.id)))
    # Then the suppressed person gets neither, the unsubscribed one only the essential message
    to_essential = sorted(d.to_addr for d in rows if d.broadcast_id == essential.id)
    to_optional = sorted(d.to_addr for d in rows if d.broadcast_id == optional.id)
    assert to_essential == ["p0@shop.example", "p2@shop.example", "p3@shop.example", "p4@shop.example"]
    assert to_optional == ["p0@shop.example", "p3@shop.example", "p4@shop.example"]
    assert all(d.status == "queued" and d.context == {} for d in rows)
