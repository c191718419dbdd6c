"""Report references like PEP-2026-000123: unique and sequential within each year, safe under concurrency."""
from __future__ import annotations

from sqlalchemy import bindparam, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import ReferenceCounter


def _ensure_year(session: Session, year: int) -> None:
    dialect = session.get_bind().dialect.name
    maker = {"postgresql": pg_insert, "sqlite": sqlite_insert}.get(dialect)
    if maker is None:  # another database: a plain insert, which a concurrent twin may make fail
        if session.get(ReferenceCounter, year) is None:
            session.execute(insert(ReferenceCounter).values(year=year, last=0))
        return
    session.execute(maker(ReferenceCounter).values(year=year, last=0).on_conflict_do_nothing())


def next_reference(session: Session, env: Env) -> str:
    """The next reference of the current year (force timezone), in the caller's transaction.

    The counter row is incremented with one UPDATE … RETURNING: PostgreSQL holds its row lock
    until the caller commits and SQLite allows one writer, so two transactions never get the same number.
    """
    year = env.clock.now().astimezone(env.settings.tz).year
    number = _increment(session, year)
    if number is None:  # the year's first report: make its counter, then count
        _ensure_year(session, year)
        number = _increment(session, year)
    assert number is not None
    return f"PEP-{year}-{number:06d}"


# On the table, not the entity: no counter object is ever kept in a session to synchronise, and the ORM's
# bulk-update path cost more than the statement. Built once (immutable, shared).
_COUNTERS = ReferenceCounter.__table__
_INCREMENT = (update(_COUNTERS).where(_COUNTERS.c.year == bindparam("counter_year"))
              .values(last=_COUNTERS.c.last + 1).returning(_COUNTERS.c.last))


def _increment(session: Session, year: int) -> int | None:
    return session.execute(_INCREMENT, {"counter_year": year}).scalar_one_or_none()
