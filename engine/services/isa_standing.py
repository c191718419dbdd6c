"""Where each partnership stands with the ISA: its latest confirmation and the moment it must
confirm again by (its expiry, or the end of the grace period of a newer version), as SQL."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, literal, select, type_coerce

from engine.env import Env
from engine.models import IsaConfirmation, IsaVersion, Partnership
from engine.models.base import UTCDateTime
from engine.scheduler.due import reminder_moment
from engine.settings import reminder_days


def latest_confirmation() -> Subquery:
    """partnership_id -> id of its newest confirmation."""
    return (select(IsaConfirmation.partnership_id, func.max(IsaConfirmation.id).label("confirmation_id"))
            .group_by(IsaConfirmation.partnership_id).subquery("latest_confirmation"))


def grace_end(env: Env, current: IsaVersion) -> datetime:
    """When everyone must have confirmed version `current` (its publication plus the grace period)."""
    return current.published_at + timedelta(days=env.settings.isa_grace_days)


def deadline_of(env: Env, current: IsaVersion) -> ColumnElement[Any]:
    """A confirmation of the current version lasts until it expires; of an older one, until it expires
    or the new version's grace ends, whichever comes first."""
    end = literal(grace_end(env, current), UTCDateTime())
    expression = case(
        (IsaConfirmation.isa_version_id == current.id, IsaConfirmation.expires_at),
        (IsaConfirmation.expires_at < end, IsaConfirmation.expires_at),
        else_=end)
    return type_coerce(expression, UTCDateTime())


def cycle(confirmation_id: int, current: IsaVersion) -> str:
    """Names one confirmation period for notification keys: a new confirmation or a new version starts another."""
    return f"{confirmation_id}.v{current.version}"


def isa_current_ids(env: Env, current: IsaVersion, now: datetime) -> Select[Any]:
    """Ids of the partnerships that may receive personal data as of `now`: active and before their
    deadline, even if the scheduler has not yet run the lapse (engine.lifecycle.receives_personal_data)."""
    latest = latest_confirmation()
    return (select(Partnership.id)
            .join(latest, latest.c.partnership_id == Partnership.id)
            .join(IsaConfirmation, IsaConfirmation.id == latest.c.confirmation_id)
            .where(and_(Partnership.status == "active", deadline_of(env, current) > now)))


def isa_state(env: Env, status: str, version: IsaVersion | None, current: IsaVersion, deadline: datetime | None,
              now: datetime) -> str:
    """One word for `pep isa status`: awaiting (invited), current, renewal_due (inside the reminder days),
    new_version (an older version confirmed, within the grace), lapsed, or the status itself."""
    if status == "invited":
        return "awaiting"
    if status in ("suspended", "left"):
        return status
    if deadline is None or version is None:
        return "not_confirmed"
    if status == "lapsed" or now >= deadline:
        return "lapsed"
    if version.id != current.id:
        return "new_version"
    if reminder_moment(deadline, reminder_days(env.settings)[0], env.settings.tz, env.settings.isa_reminder_hour) <= now:
        return "renewal_due"
    return "current"
