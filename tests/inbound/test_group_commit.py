"""Group commit on a real PostgreSQL: waiting messages share a commit; a failed batch fails each of them."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

import pytest
from sqlalchemy import Connection, create_engine, func, select, text

from engine.db import make_engine, make_session_factory
from engine.models import InboundMessage
from inbound.group_commit import GroupCommitter
from tests.conftest import wait_until
from tests.harness.databases import PostgresDatabase
from tests.inbound.test_smtp_intake import private_postgres, set_connections  # noqa: F401 - fixture

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)


def raw(n: int) -> bytes:
    return f"From: a@example.org\r\nMessage-ID: <g{n}@example.org>\r\n\r\nbody {n}\r\n".encode()


@pytest.fixture
def blocked(private_postgres: PostgresDatabase) -> Iterator[tuple[GroupCommitter, Connection, list[int]]]:  # noqa: F811
    """A committer whose first write waits on a table lock held by another connection."""
    engine = make_engine(private_postgres.url)
    batches: list[int] = []
    committer = GroupCommitter(make_session_factory(engine), on_commit=batches.append).start()
    locker = create_engine(private_postgres.url).connect()
    locker.execute(text("LOCK TABLE inbound_messages IN EXCLUSIVE MODE"))
    yield committer, locker, batches
    try:
        locker.close()
    except Exception:  # noqa: BLE001 - a test may have ended this connection on purpose
        pass
    committer.stop()
    engine.dispose()


def waiting_on_lock(url: str) -> bool:
    engine = create_engine(url)
    with engine.connect() as conn:
        waiting = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                   "AND datname = current_database()"))
    engine.dispose()
    return bool(waiting)


def test_messages_arriving_during_a_commit_share_the_next_one(
        blocked: tuple[GroupCommitter, Connection, list[int]], private_postgres: PostgresDatabase) -> None:  # noqa: F811
    committer, locker, batches = blocked
    # Given a first message whose commit is in progress (held up by the lock)
    first = committer.submit(raw(0), "a@example.org", ["reply+a@pep.test"], "smtp", NOW)
    wait_until(lambda: waiting_on_lock(private_postgres.url))
    # When five more connections submit meanwhile, and the lock goes
    others = [committer.submit(raw(n), "a@example.org", ["reply+a@pep.test"], "smtp", NOW) for n in range(1, 6)]
    locker.rollback()
    # Then every connection gets its own row ids, and the five were written in one commit
    ids = [first.result(10)] + [f.result(10) for f in others]
    assert len({i[0] for i in ids}) == 6
    assert batches == [1, 5]
    factory = make_session_factory(make_engine(private_postgres.url))
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 6


def test_a_failed_batch_fails_every_message_in_it(
        blocked: tuple[GroupCommitter, Connection, list[int]], private_postgres: PostgresDatabase) -> None:  # noqa: F811
    committer, locker, batches = blocked
    # Given a commit in progress and five more messages waiting for the next one
    first = committer.submit(raw(0), "a@example.org", ["reply+a@pep.test"], "smtp", NOW)
    wait_until(lambda: waiting_on_lock(private_postgres.url))
    others = [committer.submit(raw(n), "a@example.org", ["reply+a@pep.test"], "smtp", NOW) for n in range(1, 6)]
    # When the database goes away (connections ended, new ones refused); the lock holder is spared, since
    # ending it first would let the blocked commit slip through before its own connection is ended
    set_connections(private_postgres.name, False, spare=locker.execute(text("SELECT pg_backend_pid()")).scalar_one())
    # Then every one of the six connections is told it failed (SMTP answers 451), none succeeds
    for future in [first, *others]:
        with pytest.raises(Exception):
            future.result(30)
    assert batches == []
    # And nothing was half-stored
    set_connections(private_postgres.name, True)
    factory = make_session_factory(make_engine(private_postgres.url))
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 0
