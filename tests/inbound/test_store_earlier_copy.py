"""The duplicate check finds the earliest unparked row holding the same delivery of the same message."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import update

from engine.app import App
from engine.models import InboundMessage
from inbound.store import earlier_copy, store_message

RAW = b"Message-ID: <dup-1@example.org>\r\nSubject: hello\r\n\r\nbody\r\n"
WHEN = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def test_earlier_copy_finds_the_first_unparked_copy_for_the_same_recipient(app: App) -> None:
    with app.sessions() as session:
        first = store_message(session, RAW, "a@example.org", ["reports@pep.test"], "smtp", WHEN)[0]
        other_recipient = store_message(session, RAW, "a@example.org", ["other@pep.test"], "smtp", WHEN)[0]
        second = store_message(session, RAW, "a@example.org", ["reports@pep.test"], "smtp", WHEN)[0]
        third = store_message(session, RAW, "a@example.org", ["REPORTS@pep.test"], "smtp", WHEN)[0]
        other_body = store_message(session, RAW + b"more\r\n", "a@example.org", ["reports@pep.test"], "smtp", WHEN)[0]
        session.commit()
        rows = {row_id: session.get(InboundMessage, row_id) for row_id in (first, other_recipient, second, third,
                                                                             other_body)}
        assert earlier_copy(session, rows[first]) is None
        assert earlier_copy(session, rows[other_recipient]) is None
        assert earlier_copy(session, rows[second]) == first
        assert earlier_copy(session, rows[third]) == first
        assert earlier_copy(session, rows[other_body]) is None
        session.execute(update(InboundMessage).where(InboundMessage.id == first).values(status="parked"))
        assert earlier_copy(session, rows[third]) == second
