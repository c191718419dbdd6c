"""The library and the events list a person may see: LIBRARY, SEND DOC n and EVENTS answers as text."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import NotFound, NotPermitted
from engine.models import Person, Publication, StoredFile
from engine.services import gate
from engine.services.audiences import publication_audience
from engine.services.audit import record
from engine.services.expiry import publication_current


@dataclass(frozen=True)
class DocOutcome:
    """What to tell the person, and the files to attach (references outbound/attachments.py resolves)."""

    text: str
    attachments: list[dict[str, Any]]


def may_see(session: Session, env: Env, publication: Publication, person: Person) -> bool:
    """Whether the publication's audience, through the gate, includes this person (decided in SQL)."""
    audience = publication_audience(session, env, publication)
    passed = gate.allowed(audience.pairs, env.clock.now(), gate.carries_personal_data(publication.category),
                          publication).subquery("passed")
    return session.scalar(select(passed.c.person_id).where(passed.c.person_id == person.id).limit(1)) is not None


def _visible(session: Session, env: Env, person: Person, kinds: tuple[str, ...]) -> list[Publication]:
    current = session.scalars(select(Publication).where(publication_current(env.clock.now()),
                                                        Publication.kind.in_(kinds))
                              .order_by(Publication.starts_at, Publication.published_at, Publication.id))
    # One audience query per current document or event, never one per recipient.
    return [p for p in current if may_see(session, env, p, person)]


def library_text(session: Session, env: Env, person: Person) -> str:
    """LIBRARY: the current documents this person may see, each with the number SEND DOC takes."""
    documents = _visible(session, env, person, ("document",))
    if not documents:
        return "There are no documents in the library for you at the moment."
    lines = [f"{d.id}. {d.title} (until {_day(env, d.expires_at)})" for d in documents]
    return "Documents you can ask for (reply SEND DOC and the number):\n" + "\n".join(lines)


def send_doc(session: Session, env: Env, person: Person, number: int) -> DocOutcome:
    """SEND DOC n: the document's files, only when the person's partnership may see it."""
    document = session.scalar(select(Publication).where(Publication.id == number, Publication.kind == "document",
                                                        publication_current(env.clock.now())))
    if document is None:
        raise NotFound(f"there is no current document number {number}: email LIBRARY for the list")
    if not may_see(session, env, document, person):
        raise NotPermitted(f"document {number} is not shared with your partnership")
    files = list(session.scalars(select(StoredFile.id).where(StoredFile.publication_id == document.id)
                                 .order_by(StoredFile.id)))
    record(session, env, person.email, "library.sent", "publication", document.id, files=len(files))
    text = f"{document.title}: attached." if files else f"{document.title}:\n\n{document.body}"
    return DocOutcome(text, [{"stored_file": f} for f in files])


def events_text(session: Session, env: Env, person: Person) -> str:
    """EVENTS: upcoming events and meetings with date, place and agenda."""
    now = env.clock.now()
    upcoming = [p for p in _visible(session, env, person, ("event", "meeting"))
                if p.starts_at is not None and p.starts_at > now]
    if not upcoming:
        return "There are no upcoming events or meetings for you at the moment."
    blocks = []
    for event in upcoming:
        when = event.starts_at.astimezone(env.settings.tz).strftime("%A %d %B %Y, %H:%M") if event.starts_at else ""
        place = f" at {event.place}" if event.place else ""
        blocks.append(f"{event.kind.title()}: {event.title}\n{when}{place}\n{event.body}".strip())
    return "\n\n".join(blocks)


def _day(env: Env, value: Any) -> str:
    return value.astimezone(env.settings.tz).date().isoformat() if value else "further notice"
