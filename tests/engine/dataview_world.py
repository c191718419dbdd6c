"""A small force for the dataview and exclusion tests: areas, partnerships, people, subjects, reports."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Area, Partnership, Person, Report, Subject
from engine.services.areas import add_area, find_area
from engine.services.partnerships import invite
from engine.services.people import add_person, ensure_person, grant_role
from engine.services.subjects import add_partnership_subject

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass
class World:
    pubwatch: Partnership
    shopwatch: Partnership
    hove: Partnership
    chair: Person
    board: Person
    members: list[Person]
    officer: Person


def build_world(session: Session, env: Env) -> World:
    for name, parent in (("Sussex", None), ("Brighton", "Sussex"), ("Hove", "Sussex")):
        if session.scalar(select(Area.id).where(Area.name == name)) is None:
            add_area(session, env, name, parent)
    pubwatch = invite(session, env, "Brighton Pubwatch", "pubwatch", "Brighton", "chair@albion.example", disc=True,
                      chair_name="Priya Shah")
    shopwatch = invite(session, env, "Kemptown Traders", "shopwatch", "Brighton", "chair@kemptown.example", disc=True)
    hove = invite(session, env, "Hove Shopwatch", "shopwatch", "Hove", "chair@hove.example", disc=True)
    chair = ensure_person(session, env, "chair@albion.example")
    board = add_person(session, env, "tom@board.example", "Tom Reilly", "board", partnership=pubwatch)
    members = [add_person(session, env, f"bar{i}@pubs.example", f"Bar {i}", "member", partnership=pubwatch)
               for i in range(3)]
    officer = add_person(session, env, "pc.hale@police.example", "PC Hale", "officer", area=find_area(session, "Sussex"))
    session.flush()
    return World(pubwatch, shopwatch, hove, chair, board, members, officer)


def subject(session: Session, env: Env, partnership: Partnership, ref: str, name: str, born: date | None,
            **extra: object) -> Subject:
    return add_partnership_subject(session, env, partnership, ref, name, born=born, **extra)  # type: ignore[arg-type]


def incident(session: Session, env: Env, subj: Subject, partnership: Partnership, when: datetime,
             reporter: Person, number: int) -> Report:
    report = Report(ref=f"PEP-{when.year}-{number:06d}", kind="incident", reporter_id=reporter.id,
                    partnership_id=partnership.id, area_id=partnership.area_id, occurred_at=when,
                    description="shoplifting", subject_id=subj.id, created_at=when + timedelta(hours=1))
    session.add(report)
    session.flush()
    return report


def grant_member(session: Session, env: Env, person: Person, partnership: Partnership) -> None:
    grant_role(session, env, person, "member", partnership=partnership)
