"""Build the App a command runs with, from the environment and the command's --now."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterator

from sqlalchemy.orm import Session

from engine.app import App, build_app
from engine.clock import Clock, FixedClock, SystemClock
from engine.errors import InvalidInput
from engine.settings import load_settings


def parse_now(text: str | None) -> Clock:
    """A FixedClock at ISO time `text` (naive means the force's timezone), else the system clock."""
    if not text:
        return SystemClock()
    settings = load_settings()
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--now {text!r} is not an ISO date and time") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=settings.tz)
    return FixedClock(at)


def make_app(now: str | None = None) -> App:
    return build_app(load_settings(), parse_now(now))


@contextmanager
def command_session(now: str | None = None) -> Iterator[tuple[App, Session]]:
    """An App and a session for one command; commits when the command succeeds, else changes nothing."""
    app = make_app(now)
    try:
        with app.sessions() as session:
            yield app, session
            session.commit()
    finally:
        app.close()


def parse_since(text: str | None, tz: Any) -> datetime | None:
    """`--since` as an aware datetime (a naive one is in the force's timezone); InvalidInput if unreadable."""
    if not text:
        return None
    try:
        since = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--since {text!r} is not an ISO date") from None
    return since if since.tzinfo else since.replace(tzinfo=tz)
