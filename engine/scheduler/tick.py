"""One tick: run every job that is due as of the clock's now, each in its own transaction."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Sequence

from engine.scheduler.job import Job
from engine.scheduler.jobs import JOBS

if TYPE_CHECKING:
    from engine.app import App

log = logging.getLogger(__name__)


def run_tick(app: "App", jobs: Sequence[Job] = JOBS) -> dict[str, int]:
    """job name -> how many things it did. A failing job is rolled back and logged; the others still run,
    and the next tick tries it again (its keys were not claimed)."""
    done: dict[str, int] = {}
    failure: Exception | None = None
    for job in jobs:
        with app.sessions() as session:
            try:
                done[job.name] = job.run(session, app.env)
                session.commit()
            except Exception as exc:  # noqa: BLE001 - one job's failure must not stop the others
                session.rollback()
                log.exception("scheduled job %s failed", job.name)
                failure = failure or exc
    if failure is not None:
        raise failure
    return done
