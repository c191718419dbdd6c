"""The committer's insert: inbound rows through one kept DBAPI connection, bound exactly as the ORM binds them."""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Engine, bindparam, insert
from sqlalchemy.pool import PoolProxiedConnection

from engine.models import InboundMessage
from inbound.store import ROW_COLUMNS


class IntakeInsert:
    """Inserts and commits inbound rows in one transaction on a DBAPI connection the committer keeps.

    Why not a Session: per commit the ORM's bulk insert, session and connection bookkeeping cost about
    0.7 ms of CPU, several times the fsync itself, and a lone SMTP connection pays it on every message.
    The statement is compiled once by SQLAlchemy for the engine's dialect and every value passes through
    the column type's own bind processor, so the stored row is the one `store.insert_rows` would write
    (a test compares them). The connection is dropped after any failure, so the next batch starts on a
    fresh one (after a database restart, for instance).
    """

    def __init__(self, engine: Engine, pipeline: bool | None = None) -> None:
        self.engine = engine
        dialect = engine.dialect
        self._sqlite = dialect.name == "sqlite"
        # psycopg 3's executemany can return rows; other drivers take one statement per row.
        self._pipelined = dialect.driver == "psycopg" if pipeline is None else pipeline
        table = InboundMessage.__table__
        statement = insert(table).values({name: bindparam(name) for name in ROW_COLUMNS})
        if not self._sqlite:
            statement = statement.returning(table.c.id)
        compiled = statement.compile(dialect=dialect)
        self._sql = compiled.string
        self._order: tuple[str, ...] | None = tuple(compiled.positiontup or ()) if compiled.positional else None
        self._bind: dict[str, Callable[[Any], Any] | None] = {
            name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in ROW_COLUMNS}
        self._connection: PoolProxiedConnection | None = None

    def _params(self, row: dict[str, Any]) -> dict[str, Any] | tuple[Any, ...]:
        values = {name: (bind(row[name]) if bind is not None else row[name]) for name, bind in self._bind.items()}
        return tuple(values[name] for name in self._order) if self._order is not None else values

    def write(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert `rows` and commit; their ids in order. Raises when the rows are not committed."""
        if not rows:
            return []
        connection = self._connection or self.engine.raw_connection()
        self._connection = None
        try:
            ids = self._sqlite_write(connection, rows) if self._sqlite else self._returning_write(connection, rows)
        except BaseException:
            _discard(connection)
            raise
        self._connection = connection
        return ids

    def _sqlite_write(self, connection: PoolProxiedConnection, rows: list[dict[str, Any]]) -> list[int]:
        # The connection runs in autocommit mode (engine.db); take the write lock up front, as sessions do.
        # A failure leaves the transaction open: `write` then discards the connection, which rolls it back.
        cursor = connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
            ids = []
            for row in rows:
                cursor.execute(self._sql, self._params(row))
                ids.append(int(cursor.lastrowid))
            cursor.execute("COMMIT")
        finally:
            cursor.close()
        return ids

    def _returning_write(self, connection: PoolProxiedConnection, rows: list[dict[str, Any]]) -> list[int]:
        cursor = connection.cursor()
        try:
            ids = []
            if self._pipelined:
                # psycopg sends the rows in one pipeline and keeps one result set per row, in order.
                cursor.executemany(self._sql, [self._params(row) for row in rows], returning=True)
                while True:
                    ids.append(int(cursor.fetchone()[0]))
                    if not cursor.nextset():
                        break
            else:
                for row in rows:
                    cursor.execute(self._sql, self._params(row))
                    ids.append(int(cursor.fetchone()[0]))
            connection.commit()
        finally:
            cursor.close()
        return ids

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _discard(connection: PoolProxiedConnection) -> None:
    # A connection that failed mid-transaction may be broken or hold a lock: never reuse it.
    try:
        connection.invalidate()
    except Exception:  # noqa: BLE001 - it is being thrown away either way
        pass
