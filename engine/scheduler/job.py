"""A periodic job: a name and a function that does what is due as of the clock's now."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

from engine.env import Env

JobFunction = Callable[[Session, Env], int]


@dataclass(frozen=True)
class Job:
    """`run(session, env)` queues what is due and returns how many things it did; it must be
    idempotent through notification-log keys, so running it twice, or on two hosts, does nothing twice."""

    name: str
    run: JobFunction
