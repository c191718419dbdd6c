"""Workers claim a broadcast's deliveries in batches, never sharing a row; progress is counted."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import insert, select, update

from engine.app import App
from engine.clock import FixedClock
from engine.models import Delivery, Person, Role
from engine.queue.claim_batch import broadcasts_waiting, claim_batch
from engine.services.broadcasts import delivery_counts
from engine.services.fanout import fan_out
from tests.harness.kinds import notice_values


def many_people(app: App, count: int) -> None:
    now = app.clock.now()
    with app.sessions() as session:
        session.execute(insert(Person), [{"email": f"m{i}@shop.example", "name": f"Member {i}", "created_at": now}
                                         for i in range(count)])
        ids = session.scalars(select(Person.id).where(Person.email.like("m%@shop.example"))).all()
        session.execute(insert(Role), [{"person_id": i, "role": "member", "started_at": now} for i in ids])
        session.commit()


def fanned_out(app: App) -> int:
    with app.sessions() as session:
        broadcast = fan_out(session, app.env, "member.notice", notice_values(1),
                            select(Person.id).where(Person.email.like("m%@shop.example")))
        session.commit()
        return broadcast.id


def test_batches_are_disjoint_and_cover_the_broadcast(app: App) -> None:
    # Given a broadcast to 250 people
    many_people(app, 250)
    broadcast = fanned_out(app)
    # When four workers claim batches of 40 at the same time until nothing is left
    sizes: list[int] = []

    def worker() -> list[int]:
        mine: list[int] = []
        while True:
            with app.sessions() as session:
                ids = claim_batch(session, broadcast, app.clock.now(), app.claim_timeout, 40)
                session.commit()
            if not ids:
                return mine
            sizes.append(len(ids))
            mine.extend(ids)
    with ThreadPoolExecutor(4) as pool:
        claimed = [pool.submit(worker) for _ in range(4)]
        batches = [future.result() for future in claimed]
    # Then every delivery was claimed exactly once, and each is marked as being sent, attempt 1
    every = [i for batch in batches for i in batch]
    assert len(every) == len(set(every)) == 250
    assert max(sizes) == 40 and len(sizes) >= 7
    with app.sessions() as session:
        rows = session.execute(select(Delivery.status, Delivery.attempts).where(
            Delivery.broadcast_id == broadcast)).all()
    assert set(rows) == {("sending", 1)}


def test_abandoned_claims_are_taken_again_and_counts_show_progress(app: App, clock: FixedClock) -> None:
    # Given a broadcast to 10 people, 4 of them claimed by a worker that then died
    many_people(app, 10)
    broadcast = fanned_out(app)
    with app.sessions() as session:
        first = claim_batch(session, broadcast, clock.now(), app.claim_timeout, 4)
        session.execute(update(Delivery).where(Delivery.id == first[0]).values(status="sent"))
        session.commit()
    with app.sessions() as session:
        counts = delivery_counts(session, broadcast_id=broadcast)
        # Then the author sees 9 still to go (being sent counts as queued) and 1 sent
        assert counts == {"queued": 9, "sent": 1, "failed": 0, "bounced": 0, "total": 10}
        # And the broadcast is not waiting while the claim is fresh
        assert broadcasts_waiting(session, clock.now(), app.claim_timeout) == []
    # When the claim has gone stale
    clock.advance(app.claim_timeout + timedelta(seconds=1))
    with app.sessions() as session:
        assert broadcasts_waiting(session, clock.now(), app.claim_timeout) == [broadcast]
        again = claim_batch(session, broadcast, clock.now(), app.claim_timeout, 100)
        session.commit()
    # Then the three unsent stale rows and the six never claimed are taken, not the sent one
    assert sorted(again) == sorted(set(again)) and len(again) == 9 and first[0] not in again
