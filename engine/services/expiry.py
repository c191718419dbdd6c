"""Expiry: when a publication or subject stops being current, and the reusable "still current" filters."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.models import Publication, Subject
from engine.settings import Settings


def publication_current(now: datetime) -> ColumnElement[bool]:
    """Published, not withdrawn, not past its expiry: use it in every digest, listing and message query."""
    return and_(Publication.status == "published", Publication.withdrawn_at.is_(None),
                or_(Publication.expires_at.is_(None), Publication.expires_at > now))


# The message that carries a publication's content; its withdrawal notice is another kind and still goes.
PUBLICATION_KIND = "member.publication"


def stale_publication(session: Session, kind: str, publication_id: int | None, now: datetime) -> str | None:
    """Why a queued copy of a publication must not go now (it expired or was withdrawn meanwhile), or None."""
    if kind != PUBLICATION_KIND or publication_id is None:
        return None
    current = session.scalar(select(Publication.id).where(Publication.id == publication_id, publication_current(now)))
    return None if current is not None else "the publication has expired or been withdrawn"


def subject_current(now: datetime) -> ColumnElement[bool]:
    """A subject not withdrawn and not past its expiry."""
    return and_(Subject.withdrawn_at.is_(None), or_(Subject.expires_at.is_(None), Subject.expires_at > now))


def default_days(settings: Settings, category: str, kind: str) -> int:
    """The default lifetime: per category for personal data, per kind for information."""
    table = settings.expiry_days()
    key = category if category != "info" or kind == "alert" else kind
    return min(table.get(key, table.get("info", 28)), settings.expiry_max_days)


def check_expiry(settings: Settings, now: datetime, expires_at: datetime) -> None:
    """Refuse an expiry in the past or beyond the policy maximum."""
    if expires_at <= now:
        raise InvalidInput("the expiry is in the past")
    if expires_at > now + timedelta(days=settings.expiry_max_days):
        raise InvalidInput(f"the expiry is beyond the policy maximum of {settings.expiry_max_days} days")
