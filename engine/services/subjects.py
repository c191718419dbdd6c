"""Subjects: record one, find one, list them, and say which the dataview may see."""
from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from engine.dates import add_months
from engine.env import Env
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import Partnership, StoredFile, Subject
from engine.services.audit import record

PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def visible_subjects(now: Any) -> Select[tuple[Subject]]:
    """Subjects the police dataview may show: not withdrawn, not expired, and either police's own or
    from a partnership that shares its data with police."""
    shared = select(Partnership.id).where(Partnership.shares_with_police.is_(True))
    return select(Subject).where(
        Subject.withdrawn_at.is_(None),
        or_(Subject.expires_at.is_(None), Subject.expires_at > now),
        or_(Subject.partnership_id.is_(None), Subject.partnership_id.in_(shared)))


def find_subject(session: Session, key: str) -> Subject:
    """A subject by id, or by `PARTNERSHIP:REF` (partnership name or id)."""
    text = key.strip()
    found = None
    if text.isdigit():
        found = session.get(Subject, int(text))
    elif ":" in text:
        from engine.services.partnerships import find_partnership
        partnership_key, _, ref = text.rpartition(":")
        partnership = find_partnership(session, partnership_key)
        found = session.scalar(select(Subject).where(Subject.partnership_id == partnership.id,
                                                     Subject.ref == ref.strip()))
    if found is None:
        raise NotFound(f"unknown subject {key!r} (give its id, or PARTNERSHIP:REF)")
    return found


def subject_in(session: Session, partnership: Partnership, ref: str) -> Subject | None:
    return session.scalar(select(Subject).where(Subject.partnership_id == partnership.id, Subject.ref == ref))


def add_partnership_subject(session: Session, env: Env, partnership: Partnership, ref: str, name: str, *,
                            aliases: list[str] | None = None, born: date | None = None,
                            age_range: tuple[int, int] | None = None, description: str = "",
                            last_seen: date | None = None, actor: str = "cli") -> Subject:
    """A partnership's own subject, kept for PEP_PARTNERSHIP_SUBJECT_MONTHS."""
    if not partnership.disc_enabled:
        raise InvalidInput(f"{partnership.name} does not record its own subjects (it is not disc_enabled)")
    if not ref or not name.strip():
        raise InvalidInput("a subject needs a reference and a name")
    if subject_in(session, partnership, ref) is not None:
        raise Conflict(f"{partnership.name} already has a subject with reference {ref}")
    now = env.clock.now()
    subject = Subject(partnership_id=partnership.id, source="partnership", category="offender", ref=ref,
                      name=" ".join(name.split()), aliases=aliases or [], date_of_birth=born,
                      age_from=age_range[0] if age_range else None, age_to=age_range[1] if age_range else None,
                      description=description, last_seen=last_seen,
                      expires_at=add_months(now, env.settings.partnership_subject_months), created_at=now)
    session.add(subject)
    session.flush()
    record(session, env, actor, "subject.added", "subject", subject.id, partnership=partnership.name, ref=ref)
    return subject


def add_photo(session: Session, env: Env, subject: Subject, filename: str, content_type: str, data: bytes) -> StoredFile:
    if content_type not in PHOTO_TYPES:
        raise InvalidInput(f"{filename} is not a photo (a {content_type} file)")
    photo = StoredFile(subject_id=subject.id, filename=filename, content_type=content_type, size=len(data),
                       sha256=hashlib.sha256(data).hexdigest(), data=data, created_at=env.clock.now())
    session.add(photo)
    session.flush()
    return photo


def photo_refs(session: Session, subject_id: int) -> list[dict[str, int]]:
    """Attachment references to a subject's photos, for a delivery."""
    return [{"stored_file": fid} for fid in session.scalars(
        select(StoredFile.id).where(StoredFile.subject_id == subject_id).order_by(StoredFile.id))]


def list_subjects(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(Subject, Partnership.name).outerjoin(
        Partnership, Partnership.id == Subject.partnership_id).order_by(Subject.id)).all()
    return [{"id": s.id, "partnership": p or "police", "source": s.source, "category": s.category, "ref": s.ref,
             "name": s.name, "aliases": list(s.aliases), "date_of_birth": s.date_of_birth,
             "age_range": f"{s.age_from}-{s.age_to}" if s.age_from is not None else None,
             "last_seen": s.last_seen, "expires_at": s.expires_at, "withdrawn": s.withdrawn_at is not None}
            for s, p in rows]
