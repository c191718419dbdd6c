"""Building blocks for the lifecycle tests: a small force, confirmations, and what was queued."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.app import App
from engine.clock import FixedClock
from engine.models import Delivery, Partnership, ReplyToken
from engine.scheduler.tick import run_tick
from engine.services import isa
from engine.services.areas import add_area, find_area
from engine.services.partnerships import invite
from engine.services.people import add_person, find_person

CHAIR = "chair@kemptown.example"
COORDINATOR = "coordinator@police.example"
ADMIN = "admin@police.example"


def small_force(app: App) -> None:
    """Sussex > Brighton East, with an admin and a coordinator for Sussex."""
    with app.sessions() as session:
        add_area(session, app.env, "Sussex")
        add_area(session, app.env, "Brighton East", "Sussex")
        add_area(session, app.env, "Hove", "Sussex")
        add_person(session, app.env, ADMIN, "Admin", "admin")
        add_person(session, app.env, COORDINATOR, "Sgt Coordinator", "coordinator",
                   area=find_area(session, "Sussex"))
        session.commit()


def invite_partnership(app: App, name: str = "Kemptown Traders", chair: str = CHAIR, area: str = "Brighton East",
                       disc: bool = False) -> int:
    with app.sessions() as session:
        pid = invite(session, app.env, name, "shopwatch", area, chair, disc=disc, invited_by=ADMIN).id
        session.commit()
        return pid


def latest_token(app: App, email: str, purpose: str = "isa") -> ReplyToken:
    with app.sessions() as session:
        person = find_person(session, email)
        assert person is not None
        token = session.scalar(select(ReplyToken).where(ReplyToken.person_id == person.id,
                                                        ReplyToken.purpose == purpose)
                               .order_by(ReplyToken.id.desc()).limit(1))
        assert token is not None
        session.expunge(token)
        return token


def confirm_by_token(app: App, email: str) -> None:
    """The person agrees through their newest ISA token, as the reply handler would."""
    token_id = latest_token(app, email).id
    with app.sessions() as session:
        token = session.get(ReplyToken, token_id)
        person = find_person(session, email)
        assert token is not None and person is not None
        isa.confirm(session, app.env, token, person, None, {"from": email, "auth": {}})
        session.commit()


def status(app: App, pid: int) -> str:
    with app.sessions() as session:
        partnership = session.get(Partnership, pid)
        assert partnership is not None
        return partnership.status


def queued(app: App, kind: str, to: str | None = None) -> list[Delivery]:
    with app.sessions() as session:
        query = select(Delivery).where(Delivery.kind == kind).order_by(Delivery.id)
        if to is not None:
            query = query.where(Delivery.to_addr == to)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def tick_at(app: App, clock: FixedClock, at: datetime) -> dict[str, int]:
    clock.set(at)
    return run_tick(app)
