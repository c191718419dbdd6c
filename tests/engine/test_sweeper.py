"""The sweeper re-enqueues work left pending, without flooding the queue with copies."""
from __future__ import annotations

from datetime import timedelta

from engine.app import App
from engine.clock import FixedClock
from engine.models import Delivery
from engine.queue.recent import RecentlyEnqueued
from engine.queue.sweeper import sweep


def _delivery(app: App, status: str = "queued", **fields: object) -> int:
    with app.sessions() as session:
        values = {"next_attempt_at": app.clock.now()} | fields
        row = Delivery(kind="chair.isa.welcome", to_addr="x@y.example", status=status,
                       created_at=app.clock.now(), **values)
        session.add(row)
        session.commit()
        return row.id


def test_due_rows_are_swept_once_until_they_wait_too_long(app: App, clock: FixedClock) -> None:
    # Given a due delivery whose wake-up went elsewhere, and a process that remembers its enqueues for 60 s
    row = _delivery(app)
    seconds = [0.0]
    recent = RecentlyEnqueued(60, clock=lambda: seconds[0])
    sent: list[tuple[str, int]] = []

    def enqueue(queue: str, row_id: int) -> None:
        sent.append((queue, row_id))
        recent.add(queue, row_id)

    def run() -> dict[str, int]:
        return sweep(app.sessions, clock.now(), timedelta(seconds=300), enqueue, recent=recent.recent)
    # When the sweeper runs twice in a row, Then the row is enqueued once
    run()
    run()
    assert sent == [("outbound", row)]
    # When it is still waiting after the memory expires (the queue lost it), Then it is enqueued again
    seconds[0] = 61.0
    run()
    assert sent == [("outbound", row), ("outbound", row)]


def test_rows_not_due_or_done_are_left_alone_and_dead_claims_are_taken(app: App, clock: FixedClock) -> None:
    later = _delivery(app, next_attempt_at=clock.now() + timedelta(hours=1))
    _delivery(app, status="sent")
    dead = _delivery(app, status="sending", claimed_at=clock.now() - timedelta(minutes=10))
    alive = _delivery(app, status="sending", claimed_at=clock.now() - timedelta(seconds=10))
    sent: list[int] = []
    sweep(app.sessions, clock.now(), timedelta(seconds=300), lambda _q, i: sent.append(i))
    assert sent == [dead] and later not in sent and alive not in sent
