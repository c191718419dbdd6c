"""One row inserted with a Core statement in the session's transaction: its id, without the unit of work."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.models.base import Base


def insert_row(session: Session, model: type[Base], values: dict[str, Any]) -> int:
    """Insert one row of `model`'s table and return its primary key.

    Why not `session.add` and `flush`: for a row nobody reads back as an object (a reply token, a report's
    turn or file), the unit of work's bookkeeping costs several times the INSERT itself, and a report writes
    four such rows. The statement binds every value through the column types and applies the column
    defaults, as the ORM does; the rows it writes are the same (a test compares them). Objects still pending
    in the session are flushed first, so rows are written, and numbered, in the order they were made.
    """
    if session.new:
        session.flush()
    result = session.connection().execute(model.__table__.insert(), values)  # type: ignore[attr-defined]
    return int(result.inserted_primary_key[0])
