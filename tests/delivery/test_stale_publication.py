"""A copy of a publication still queued when it expires (or is withdrawn) is not sent; its notices still are."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.app import App
from engine.clock import FixedClock
from engine.models import Delivery, Person, Publication
from engine.services.fanout import fan_out
from engine.services.people import add_person
from outbound.batch import PlanCache, send_batch
from outbound.deliver import deliver


def _queued_copies(app: App) -> tuple[int, list[int]]:
    with app.sessions() as session:
        author = add_person(session, app.env, "pc@police.example", "PC", "admin")
        reader = add_person(session, app.env, "reader@shop.example", "Reader", "admin")
        now = app.clock.now()
        publication = Publication(kind="alert", category="info", title="Bikes stolen", body="Watch out",
                                  author_id=author.id, audience={}, status="published", reach="chairs",
                                  expires_at=now + timedelta(days=1), created_at=now, published_at=now)
        session.add(publication)
        session.flush()
        broadcast = fan_out(session, app.env, "member.publication", {}, select(Person.id).where(Person.id == reader.id),
                            publication_id=publication.id)
        session.commit()
        return broadcast.id, list(session.scalars(select(Delivery.id).where(Delivery.broadcast_id == broadcast.id)))


@pytest.mark.parametrize("path", ["single", "batch"])
def test_an_expired_publication_is_not_sent(app: App, clock: FixedClock, path: str) -> None:
    # Given a copy of a publication queued for a reader
    broadcast, [delivery_id] = _queued_copies(app)
    # When it is still waiting after the publication expired (a relay was down for two days)
    clock.advance(timedelta(days=2))
    if path == "single":
        deliver(app, delivery_id)
    else:
        send_batch(app, PlanCache(), broadcast)
    # Then it is not sent, and the reason is kept on the delivery
    with app.sessions() as session:
        delivery = session.get(Delivery, delivery_id)
        assert delivery.status == "failed" and "expired or been withdrawn" in (delivery.last_error or "")
