"""A small force for digest and retention tests: partnerships, an officer, publications people received."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Delivery, Person, Publication, Report
from engine.services.people import get_person
from tests.harness.force import area, officer, partnership


@dataclass
class World:
    east_member: Person
    east_chair: Person
    west_member: Person
    officer: Person


def build(session: Session, env: Env) -> World:
    area(session, env, "Sussex")
    area(session, env, "East", "Sussex")
    area(session, env, "West", "Sussex")
    partnership(session, env, "East Pubwatch", "pubwatch", "East", members=1)
    # West's ISA ran out: it may no longer receive personal data.
    partnership(session, env, "West Pubwatch", "pubwatch", "West", members=1, isa_current=False)
    author = officer(session, env, "pc@police.example", None, role="admin")
    session.flush()
    return World(get_person(session, "m0@east-pubwatch.example"), get_person(session, "chair@east-pubwatch.example"),
                 get_person(session, "m0@west-pubwatch.example"), author)


def publish(session: Session, env: Env, author: Person, kind: str, title: str, category: str, to: list[Person], *,
            expires_in: timedelta = timedelta(days=20), starts_in: timedelta | None = None,
            published_ago: timedelta = timedelta(days=1)) -> Publication:
    """A published publication and the delivery each person in `to` had of it."""
    now = env.clock.now()
    pub = Publication(kind=kind, category=category, title=title, body="…", author_id=author.id, audience={},
                      status="published", created_at=now - published_ago, published_at=now - published_ago,
                      expires_at=now + expires_in, starts_at=now + starts_in if starts_in else None)
    session.add(pub)
    session.flush()
    for person in to:
        session.add(Delivery(kind="member.publication", person_id=person.id, to_addr=person.email, context={},
                             publication_id=pub.id, status="sent", next_attempt_at=now, created_at=now))
    session.flush()
    return pub


def report(session: Session, reporter: Person, partnership_id: int | None, at: datetime, n: int) -> Report:
    row = Report(ref=f"PEP-T-{n:06d}", kind="incident", reporter_id=reporter.id, partnership_id=partnership_id,
                 description="Someone took a bottle of gin", created_at=at)
    session.add(row)
    session.flush()
    return row
