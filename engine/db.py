"""Database engine and sessions: SQLite embedded (durable, WAL) or PostgreSQL, same code."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from engine.sqlite_writer import WriterTurns

SessionFactory = sessionmaker[Session]
BUSY_TIMEOUT_SECONDS = 30


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # FULL: a row is on disk before SMTP says 250, which is PEP's promise.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()


def _sqlite_begin(turns: WriterTurns) -> Callable[[Any], None]:
    def begin(conn: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN; take the write lock up front so two
        # writers queue (on the engine's turns, then on busy_timeout) instead of failing mid-transaction.
        dbapi_connection = conn.connection.dbapi_connection
        turns.take(dbapi_connection)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            turns.end(dbapi_connection)
            raise
    return begin


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets durable pragmas and immediate transactions."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        turns = WriterTurns(BUSY_TIMEOUT_SECONDS)
        engine = create_engine(url, connect_args={"check_same_thread": False, "isolation_level": None,
                                                  "factory": turns.connection_class()},
                               pool_size=20, max_overflow=20, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin(turns))
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **kwargs)


def make_session_factory(engine: Engine) -> SessionFactory:
    """Sessions that keep loaded values after commit, so ids and fields stay readable."""
    return sessionmaker(engine, expire_on_commit=False)


def bound_engine(factory: SessionFactory) -> Engine:
    """The engine a session factory's sessions use."""
    engine = factory.kw.get("bind")
    if not isinstance(engine, Engine):
        raise TypeError("the session factory is not bound to an engine")
    return engine


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
