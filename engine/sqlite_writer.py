"""One SQLite write transaction at a time per engine: threads queue on a lock instead of in SQLite's busy handler."""
from __future__ import annotations

import sqlite3
import threading
from typing import Any

# SQLite's busy handler sleeps between retries (up to 100 ms each), so threads of one process contending for
# BEGIN IMMEDIATE waste most of their time asleep while the database is free. A lock hands the turn straight on.
_HELD = "_pep_holds_write_lock"


class WriterTurns:
    """The turn to write, shared by the connections of one engine; other processes still wait in SQLite."""

    def __init__(self, timeout_seconds: float) -> None:
        self._lock = threading.Lock()
        self._timeout = timeout_seconds

    def take(self, dbapi_connection: Any) -> None:
        """Take the turn for the transaction this connection is about to BEGIN.

        After `timeout_seconds` without the turn (a thread holding a transaction while it opens another, which
        could otherwise never finish) the transaction goes ahead unqueued and SQLite's own busy timeout decides,
        as it did before there were turns.
        """
        setattr(dbapi_connection, _HELD, self._lock.acquire(timeout=self._timeout))

    def end(self, dbapi_connection: Any) -> None:
        """Give the turn back once the transaction is over (committed, rolled back or its connection closed)."""
        if getattr(dbapi_connection, _HELD, False):
            setattr(dbapi_connection, _HELD, False)
            self._lock.release()

    def connection_class(self) -> type[sqlite3.Connection]:
        """A sqlite3 connection class (the `factory` of sqlite3.connect) that gives the turn back after COMMIT,
        ROLLBACK or close, whichever path (session, pool reset, error) ends the transaction."""
        turns = self

        class TurnTakingConnection(sqlite3.Connection):
            def commit(self) -> None:
                try:
                    super().commit()
                finally:
                    if not self.in_transaction:
                        turns.end(self)

            def rollback(self) -> None:
                try:
                    super().rollback()
                finally:
                    turns.end(self)

            def close(self) -> None:
                try:
                    super().close()
                finally:
                    turns.end(self)

        return TurnTakingConnection
