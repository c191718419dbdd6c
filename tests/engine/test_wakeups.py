"""Wake-ups go out after commit; a savepoint rolled back drops only its own; a rollback drops all."""
from __future__ import annotations

from engine.db import make_session_factory
from engine.queue.wakeups import install_wakeups, keep_here, take_kept, wake_after_commit
from engine.app import App


def test_savepoints_and_rollbacks(app: App) -> None:
    # Given a session factory whose wake-ups are collected
    woken: list[tuple[str, int, int]] = []
    factory = make_session_factory(app.db)
    install_wakeups(factory, lambda q, i, d: woken.append((q, i, d)))
    with factory() as session:
        session.connection()
        # When a wake-up is asked for, then another inside a savepoint that rolls back,
        # then a third inside a savepoint that is kept
        wake_after_commit(session, "outbound", 1)
        try:
            with session.begin_nested():
                wake_after_commit(session, "outbound", 2)
                raise ValueError("refused line")
        except ValueError:
            pass
        with session.begin_nested():
            wake_after_commit(session, "inbound", 3, 500)
        # Then nothing is woken before the commit, and after it only the surviving ones
        assert woken == []
        session.commit()
    assert woken == [("outbound", 1, 0), ("inbound", 3, 500)]
    # When a whole transaction rolls back, Then its wake-ups are dropped
    with factory() as session:
        session.connection()  # a transaction is under way, as when a row has just been flushed
        wake_after_commit(session, "outbound", 4)
        session.rollback()
        session.commit()
    assert woken == [("outbound", 1, 0), ("inbound", 3, 500)]


def test_wakeups_kept_for_the_caller(app: App) -> None:
    # Given a session keeping its immediate outbound wake-ups for its caller
    woken: list[tuple[str, int, int]] = []
    factory = make_session_factory(app.db)
    install_wakeups(factory, lambda q, i, d: woken.append((q, i, d)))
    with factory() as session:
        session.connection()
        keep_here(session, "outbound")
        wake_after_commit(session, "outbound", 1)
        wake_after_commit(session, "outbound", 2, 500)  # a delayed one is not for now: it is queued
        wake_after_commit(session, "inbound", 3)
        try:
            with session.begin_nested():
                wake_after_commit(session, "outbound", 4)
                raise ValueError("refused line")
        except ValueError:
            pass
        session.commit()
        # Then the caller gets the immediate outbound ones that survived, once; the others are queued
        assert take_kept(session) == [1]
        assert take_kept(session) == []
        assert woken == [("outbound", 2, 500), ("inbound", 3, 0)]
        # And the keeping lasts for that transaction only
        session.connection()
        wake_after_commit(session, "outbound", 5)
        session.commit()
    assert woken[-1] == ("outbound", 5, 0)
