"""Report references like PEP-2026-000123: unique and sequential within each year, safe under concurrency."""
from __future__ import annotations

from sqlalchemy import insert, update
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


def _increment(session: Session, year: int) -> int | None:
    return session.execute(update(ReferenceCounter).where(ReferenceCounter.year == year)
                           .values(last=ReferenceCounter.last + 1)
                           .returning(ReferenceCounter.last)).scalar_one_or_none()
