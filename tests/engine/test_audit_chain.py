"""The audit log is tamper-evident: sealed into a hash chain; a changed or removed event is named."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from engine.app import App
from engine.audit_chain import seal, verify
from engine.clock import FixedClock
from engine.models import AuditEvent
from engine.services.audit import record


def _events(app: App, count: int) -> None:
    with app.sessions() as session:
        for i in range(count):
            record(session, app.env, "pc.smith@police.example", "test.event", "thing", i, n=i, note="naïve ✓")
        session.commit()


def _seal_all(app: App, clock: FixedClock) -> int:
    clock.advance(timedelta(minutes=5))
    with app.sessions() as session:
        sealed = seal(session, clock.now())
        session.commit()
    return sealed


def test_events_are_sealed_only_after_they_settle_and_the_chain_verifies(app: App, clock: FixedClock) -> None:
    # Given ten events written just now (after the seeded ones were sealed)
    seeded = _seal_all(app, clock)
    _events(app, 10)
    with app.sessions() as session:
        # When the sealer runs at once, Then nothing is sealed yet (they have not settled)
        assert seal(session, clock.now()) == 0
        session.commit()
    # When it runs after they settle, Then all are sealed, and sealing again does nothing
    assert _seal_all(app, clock) == 10
    assert _seal_all(app, clock) == 0
    with app.sessions() as session:
        result = verify(session)
    assert result.ok and result.checked == seeded + 10


def test_a_changed_event_is_named(app: App, clock: FixedClock) -> None:
    _events(app, 6)
    _seal_all(app, clock)
    # When someone edits an event in the database
    with app.sessions() as session:
        target = session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()[-3]
        session.execute(update(AuditEvent).where(AuditEvent.id == target).values(actor="someone.else@police.example"))
        session.commit()
        # Then verification names exactly that event
        result = verify(session)
    assert not result.ok and result.broken_id == target and "content" in result.reason


def test_a_removed_event_breaks_the_next_link(app: App, clock: FixedClock) -> None:
    _events(app, 6)
    _seal_all(app, clock)
    with app.sessions() as session:
        ids = session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
        session.execute(delete(AuditEvent).where(AuditEvent.id == ids[2]))
        session.commit()
        result = verify(session)
    assert result.broken_id == ids[3] and "link" in result.reason


def test_later_events_extend_the_chain(app: App, clock: FixedClock) -> None:
    seeded = _seal_all(app, clock)
    _events(app, 3)
    _seal_all(app, clock)
    _events(app, 4)
    assert _seal_all(app, clock) == 4
    with app.sessions() as session:
        assert verify(session).checked == seeded + 7
