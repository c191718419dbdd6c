"""The weekly digest and the daily retention sweep as scheduler jobs."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy.orm import Session

from engine.digest.build import queue_digests
from engine.digest.schedule import due_moment, week_label
from engine.env import Env
from engine.retention.sweep import sweep
from engine.services.bulk import claim_many


def weekly_digest(session: Session, env: Env) -> int:
    """From the configured weekday and time (local) until a day later: every reader's digest, once a week."""
    moment = due_moment(env.settings, env.clock.now())
    if moment is None:
        return 0
    return queue_digests(session, env, week_label(moment))


def daily_retention(session: Session, env: Env) -> int:
    """Once per local day, from PEP_RETENTION_HOUR: the retention sweep (what it did, summed)."""
    local = env.clock.now().astimezone(env.settings.tz)
    start = datetime.combine(local.date(), time(env.settings.retention_hour), tzinfo=env.settings.tz)
    if local < start or not claim_many(session, env, [f"retention.sweep:{local.date().isoformat()}"]):
        return 0
    return sum(sweep(session, env).values())
