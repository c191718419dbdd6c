"""The committer's DBAPI insert stores exactly the row the ORM's bulk insert stores, on both databases."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import Engine, text

from engine.db import make_engine, make_session_factory
from engine.models import InboundMessage
from inbound.intake_insert import IntakeInsert
from inbound.store import ROW_COLUMNS, insert_rows, new_rows

COLUMNS = [column.name for column in InboundMessage.__table__.columns if column.name != "id"]

headers = st.lists(st.sampled_from([b"Message-ID: <a.b@example.org>", b"message-id:\r\n <folded@example.org>",
                                    b"Subject: caf\xc3\xa9", b"From: x@example.org", b"X-Bin: \xff\xfe"]), max_size=4)
messages = st.builds(lambda head, body: b"\r\n".join(head) + b"\r\n\r\n" + body, headers, st.binary(max_size=3000))
# PostgreSQL text holds no NUL, on either path; SMTP addresses never carry one.
addresses = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=1100)
instants = st.builds(lambda seconds, offset: datetime(2026, 11, 27, tzinfo=timezone(timedelta(minutes=offset)))
                     + timedelta(seconds=seconds), st.floats(0, 10**8, allow_nan=False), st.integers(-720, 720))


def stored(engine: Engine, row_id: int) -> dict[str, Any]:
    """The row as the database holds it (no ORM type processing on the way out)."""
    with engine.connect() as conn:
        found = conn.execute(text(f"SELECT {', '.join(COLUMNS)} FROM inbound_messages WHERE id = :id"),
                             {"id": row_id}).one()
    return dict(zip(COLUMNS, found))


def test_the_columns_the_insert_binds_are_those_new_rows_fills() -> None:
    row = new_rows(b"Subject: x\r\n\r\nbody\r\n", "a@example.org", ["b@pep.test"], "smtp",
                   datetime(2026, 11, 27, tzinfo=timezone.utc))[0]
    assert tuple(row) == ROW_COLUMNS


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=messages, mail_from=addresses, recipients=st.lists(addresses, min_size=1, max_size=3),
       source=st.sampled_from(["smtp", "lmtp", "imap"]), received_at=instants)
def test_the_dbapi_insert_stores_what_the_orm_insert_stores(db_url: str, raw: bytes, mail_from: str,
                                                            recipients: list[str], source: str,
                                                            received_at: datetime) -> None:
    engine = make_engine(db_url)
    try:
        rows = new_rows(raw, mail_from, recipients, source, received_at)
        # Given the same rows written by the general path (a session) and by the committer's insert
        with make_session_factory(engine)() as session:
            general = insert_rows(session, rows)
            session.commit()
        for pipeline in (None, False):  # psycopg's pipeline, and one statement per row (other drivers)
            fast_insert = IntakeInsert(engine, pipeline=pipeline)
            fast = fast_insert.write(rows)
            fast_insert.close()
            # Then each recipient's row is stored identically, under ids given in the rows' order
            assert len(fast) == len(general) == len(recipients)
            assert fast == sorted(fast) and min(fast) > max(general)
            for general_id, fast_id in zip(general, fast):
                assert stored(engine, fast_id) == stored(engine, general_id)
    finally:
        engine.dispose()


def test_after_a_failed_write_the_next_one_uses_a_fresh_connection(db_url: str) -> None:
    engine = make_engine(db_url)
    fast_insert = IntakeInsert(engine)
    good = new_rows(b"Subject: x\r\n\r\nbody\r\n", "a@example.org", ["b@pep.test"], "smtp",
                    datetime(2026, 11, 27, tzinfo=timezone.utc))
    bad = [dict(good[0], rcpt_to=None)]  # NOT NULL: the database refuses it
    first = fast_insert.write(good)
    try:
        fast_insert.write(good + bad)
    except Exception:  # noqa: BLE001 - the refusal is the point
        pass
    else:
        raise AssertionError("a row breaking a constraint was accepted")
    # Then nothing of the failed batch was kept, and the committer can write again
    second = fast_insert.write(good)
    fast_insert.close()
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM inbound_messages")) == 2
    assert second[0] > first[0]
    engine.dispose()
