"""A row written by insert_row is the row the ORM's add and flush would write, on both databases."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from engine.app import App
from engine.models import Person, ReplyToken, StoredFile
from engine.models.base import Base
from engine.services.row_insert import insert_row
from tests.conftest import START

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**31, 2**31) | TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)
ONCE_PER_APP = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _columns(row: Base) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key != "id"}  # type: ignore[attr-defined]


def _both_ways(app: App, model: type[Base], values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored columns of the row as the ORM writes it and as insert_row writes it, read back afresh."""
    with app.sessions() as session:
        orm = model(**values)
        session.add(orm)
        session.flush()
        core_id = insert_row(session, model, values)
        orm_id = orm.id
        session.commit()
    with app.sessions() as session:
        by_orm, by_core = session.get(model, orm_id), session.get(model, core_id)
        assert by_orm is not None and by_core is not None
        return _columns(by_orm), _columns(by_core)


@ONCE_PER_APP
@given(purpose=st.sampled_from(["report", "isa", "draft"]), object_id=st.none() | st.integers(1, 10**9),
       data=st.dictionaries(TEXT, JSON, max_size=4), single_use=st.booleans(), days=st.integers(0, 400))
def test_reply_token_rows_are_the_same(app: App, purpose: str, object_id: int | None, data: dict[str, Any],
                                       single_use: bool, days: int) -> None:
    with app.sessions() as session:
        person = session.scalar(select(Person).where(Person.email == "tokens@example.org"))
        if person is None:
            person = Person(email="tokens@example.org", name="T", created_at=START)
            session.add(person)
            session.commit()
        person_id = person.id
    values = {"purpose": purpose, "person_id": person_id, "object_kind": "report", "object_id": object_id,
              "data": data, "single_use": single_use, "created_at": START, "expires_at": START + timedelta(days=days),
              "used_at": None}
    by_orm, by_core = _both_ways(app, ReplyToken, values)
    assert by_core == by_orm


@ONCE_PER_APP
@given(filename=TEXT.filter(bool), content_type=st.sampled_from(["image/jpeg", "application/pdf", "text/plain"]),
       data=st.binary(max_size=3000), size=st.none() | st.tuples(st.integers(1, 9000), st.integers(1, 9000)))
def test_stored_file_rows_are_the_same(app: App, filename: str, content_type: str, data: bytes,
                                       size: tuple[int, int] | None) -> None:
    values = {"report_id": None, "publication_id": None, "subject_id": None, "report_turn_id": None,
              "filename": filename, "content_type": content_type, "size": len(data), "sha256": "0" * 64,
              "data": data, "width": size[0] if size else None, "height": size[1] if size else None,
              "created_at": START}
    by_orm, by_core = _both_ways(app, StoredFile, values)
    assert by_core == by_orm


def test_rows_made_earlier_in_the_transaction_keep_their_order(app: App) -> None:
    # Given a file row added to the session but not flushed
    values = {"report_id": None, "publication_id": None, "subject_id": None, "report_turn_id": None,
              "filename": "a.txt", "content_type": "text/plain", "size": 1, "sha256": "0" * 64, "data": b"a",
              "width": None, "height": None, "created_at": START}
    with app.sessions() as session:
        first = StoredFile(**values)
        session.add(first)
        # When another is inserted by insert_row
        second_id = insert_row(session, StoredFile, values | {"filename": "b.txt"})
        session.commit()
        # Then the one made first is written first
        assert first.id < second_id
