"""Claims made with the prepared statement win exactly the rows, and write exactly the values, of the general one."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from engine.app import App
from engine.models import Delivery
from engine.queue.claim import claim_row, claim_rows

STALE = timedelta(minutes=10)
# A row's state: its status, when it is due (minutes from now) and when it was claimed (minutes ago, or never).
states = st.tuples(st.sampled_from(["queued", "sending", "sent", "failed"]), st.integers(-1, 1),
                   st.sampled_from([None, 9, 10, 11]))


def claim(session: Session, model: Any, row_id: int, now: datetime, ready: tuple[str, ...],
          stale_after: timedelta, working: str) -> bool:
    """The claim written plainly, built anew each time: whether this caller won the row."""
    result = session.execute(
        update(model)
        .where(model.id == row_id,
               or_(and_(model.status.in_(ready), model.next_attempt_at <= now),
                   and_(model.status == working, model.claimed_at < now - stale_after)))
        .values(status=working, claimed_at=now, attempts=model.attempts + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1  # type: ignore[attr-defined]


def _rows(session: Session) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in session.execute(
        select(Delivery.id, Delivery.status, Delivery.attempts, Delivery.claimed_at).order_by(Delivery.id))]


def _after(app: App, work: Any) -> tuple[Any, list[tuple[Any, ...]]]:
    """What `work` returns and what the rows then hold, without keeping its changes."""
    with app.sessions() as session:
        won = work(session)
        rows = _rows(session)
        session.rollback()
    return won, rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(states, min_size=1, max_size=6), asked=st.data())
def test_prepared_claims_match_the_general_claim(app: App, rows: list[tuple[str, int, int | None]],
                                                 asked: st.DataObject) -> None:
    now = app.clock.now()
    with app.sessions() as session:
        session.execute(delete(Delivery))
        session.execute(insert(Delivery), [
            {"kind": "member.notice", "to_addr": f"m{i}@shop.example", "status": status, "attempts": 1,
             "next_attempt_at": now + timedelta(minutes=due),
             "claimed_at": None if claimed is None else now - timedelta(minutes=claimed), "created_at": now}
            for i, (status, due, claimed) in enumerate(rows)])
        session.commit()
        ids = session.scalars(select(Delivery.id).order_by(Delivery.id)).all()
    wanted = asked.draw(st.lists(st.sampled_from(ids), unique=True, min_size=1))
    ready, working = ("queued",), "sending"

    def general(session: Session) -> list[int]:
        return [i for i in sorted(wanted) if claim(session, Delivery, i, now, ready, STALE, working)]

    expected, rows_expected = _after(app, general)
    won, rows_won = _after(app, lambda s: [r.id for r in claim_rows(s, Delivery, wanted, now, ready, STALE, working)])
    assert (won, rows_won) == (expected, rows_expected)
    # And one row claimed alone, returned as the row it now is
    def alone(session: Session) -> tuple[Any, ...] | None:
        row = claim_row(session, Delivery, wanted[0], now, ready, STALE, working)
        return None if row is None else (row.id, row.status, row.attempts, row.claimed_at)

    one, rows_one = _after(app, alone)
    single, rows_single = _after(app, lambda s: claim(s, Delivery, wanted[0], now, ready, STALE, working))
    assert rows_one == rows_single
    assert (one is not None) == single
    if one is not None:
        assert one == rows_single[ids.index(wanted[0])]
