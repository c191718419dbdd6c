"""LIBRARY, SEND DOC n and EVENTS: only what is current and shared with the person's partnership."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.app import App
from engine.clock import FixedClock
from engine.errors import NotFound, NotPermitted
from engine.models import Person, Publication, StoredFile
from engine.services import library
from engine.services.people import get_person
from tests.harness.force import area, officer, partnership


def publish(session, author: Person, clock: FixedClock, kind: str, title: str, *, areas=None, types=None,  # type: ignore[no-untyped-def]
            category: str = "info", expires_days: int = 30, starts_days: int | None = None, place: str = "",
            with_file: bool = False) -> Publication:
    now = clock.now()
    pub = Publication(kind=kind, category=category, title=title, body=f"About {title}", author_id=author.id,
                      audience={"types": types, "areas": areas}, status="published", reach="chairs",
                      starts_at=now + timedelta(days=starts_days) if starts_days is not None else None,
                      expires_at=now + timedelta(days=expires_days), created_at=now, published_at=now, place=place)
    session.add(pub)
    session.flush()
    if with_file:
        session.add(StoredFile(publication_id=pub.id, filename=f"{title}.pdf", content_type="application/pdf",
                               size=3, sha256="x" * 64, data=b"pdf", created_at=now))
    return pub


@pytest.fixture
def shelf(app: App, clock: FixedClock) -> dict[str, int]:
    with app.sessions() as session:
        env = app.env
        area(session, env, "Sussex")
        area(session, env, "East", "Sussex")
        area(session, env, "West", "Sussex")
        partnership(session, env, "East Pubwatch", "pubwatch", "East")
        partnership(session, env, "West Pubwatch", "pubwatch", "West")
        author = officer(session, env, "pc@police.example", None, role="admin")
        ids = {
            "east_doc": publish(session, author, clock, "document", "East guide", areas=["East"], with_file=True).id,
            "west_doc": publish(session, author, clock, "document", "West guide", areas=["West"], with_file=True).id,
            "old_doc": publish(session, author, clock, "document", "Old guide", expires_days=-1).id,
            "meeting": publish(session, author, clock, "meeting", "Pubwatch meeting", starts_days=5,
                               place="Town Hall").id,
            "past_event": publish(session, author, clock, "event", "Past event", starts_days=-2).id,
        }
        session.commit()
    return ids


def test_library_lists_only_current_documents_shared_with_the_person(app: App, shelf: dict[str, int]) -> None:
    with app.sessions() as session:
        # Given the East chair, When they ask for LIBRARY
        text = library.library_text(session, app.env, get_person(session, "chair@east-pubwatch.example"))
    # Then only East's current document is listed, with its number
    assert f"{shelf['east_doc']}. East guide" in text
    assert "West guide" not in text and "Old guide" not in text


def test_send_doc_attaches_a_shared_document_and_refuses_others(app: App, shelf: dict[str, int]) -> None:
    with app.sessions() as session:
        chair = get_person(session, "chair@east-pubwatch.example")
        # When the East chair asks for their document, Then it comes as an attachment reference
        outcome = library.send_doc(session, app.env, chair, shelf["east_doc"])
        assert len(outcome.attachments) == 1 and "stored_file" in outcome.attachments[0]
        # And West's document is refused, an expired one is unknown
        with pytest.raises(NotPermitted):
            library.send_doc(session, app.env, chair, shelf["west_doc"])
        with pytest.raises(NotFound):
            library.send_doc(session, app.env, chair, shelf["old_doc"])


def test_events_lists_upcoming_events_with_date_and_place(app: App, shelf: dict[str, int]) -> None:
    with app.sessions() as session:
        # When a chair asks for EVENTS
        text = library.events_text(session, app.env, get_person(session, "chair@west-pubwatch.example"))
    # Then the upcoming meeting is shown with its place and agenda, and the past event is not
    assert "Meeting: Pubwatch meeting" in text and "Town Hall" in text and "About Pubwatch meeting" in text
    assert "Past event" not in text
