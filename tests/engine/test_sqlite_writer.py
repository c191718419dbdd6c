"""SQLite writers of one engine take turns: every transaction ends with its turn given back, whichever way."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from engine.db import make_engine, make_session_factory
from engine.sqlite_writer import WriterTurns


@pytest.fixture
def factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (n INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (0)")
    yield make_session_factory(engine)
    engine.dispose()


def _count(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return int(session.scalar(text("SELECT n FROM counter")))


def test_threads_writing_at_once_lose_no_update(factory) -> None:  # type: ignore[no-untyped-def]
    def bump() -> None:
        for _ in range(25):
            with factory() as session:
                n = session.scalar(text("SELECT n FROM counter"))
                time.sleep(0.001)  # read, think, write: only safe when nobody else is writing meanwhile
                session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
                session.commit()

    threads = [threading.Thread(target=bump) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert _count(factory) == 150


def test_the_turn_comes_back_after_a_rollback_an_error_or_a_session_left_open(  # type: ignore[no-untyped-def]
        factory) -> None:
    with factory() as session:
        session.execute(text("UPDATE counter SET n = 5"))
        session.rollback()
    with factory() as session, pytest.raises(Exception):
        session.execute(text("UPDATE no_such_table SET n = 1"))
    with factory() as session:
        session.execute(text("UPDATE counter SET n = 7"))  # closed without commit: the pool rolls back
    done = threading.Event()

    def write() -> None:
        with factory() as session:
            session.execute(text("UPDATE counter SET n = n + 1"))
            session.commit()
        done.set()

    threading.Thread(target=write).start()
    assert done.wait(5), "a writer in another thread waited for a turn nobody held"
    assert _count(factory) == 1


def test_a_writer_of_another_engine_still_waits_in_sqlite(tmp_path: Path) -> None:
    """Turns are per engine: two engines (as in two processes) fall back on SQLite's busy timeout."""
    first, second = (make_session_factory(make_engine(f"sqlite:///{tmp_path / 'two.db'}")) for _ in range(2))
    with first() as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
        session.commit()
    holder = first()
    holder.execute(text("INSERT INTO t VALUES (1)"))
    released = threading.Timer(0.3, holder.commit)
    released.start()
    with second() as session:  # waits in the busy handler until the first engine commits
        session.execute(text("INSERT INTO t VALUES (2)"))
        session.commit()
    holder.close()
    with first() as session:
        assert session.scalar(text("SELECT count(*) FROM t")) == 2


def test_a_turn_not_given_within_the_timeout_lets_the_transaction_go_ahead() -> None:
    turns = WriterTurns(timeout_seconds=0.1)

    class Connection:
        pass

    first, second = Connection(), Connection()
    turns.take(first)
    started = time.monotonic()
    turns.take(second)  # the same thread nesting transactions: no deadlock, SQLite decides
    assert time.monotonic() - started < 5
    turns.end(second)  # held nothing: must not give away the first connection's turn
    turns.end(first)
    turns.take(second)
    turns.end(second)
