"""When a reminder is due: on local calendar days before the deadline, from a local hour, so that
"7 days before" means the same to a chair in March and in October (PEP_TIMEZONE, clock changes included)."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def reminder_moment(deadline: datetime, days_before: int, tz: ZoneInfo, hour: int) -> datetime:
    """The moment the `days_before` reminder becomes due: `hour` o'clock local time that many
    calendar days before the deadline's local date."""
    local_day = deadline.astimezone(tz).date() - timedelta(days=days_before)
    return datetime.combine(local_day, time(hour), tzinfo=tz)


def due_reminder(deadline: datetime, now: datetime, days: tuple[int, ...], tz: ZoneInfo, hour: int) -> int | None:
    """The most urgent reminder due as of `now` (fewest days before), or None. After a pause only
    that one is sent: a chair is not sent the 14-day and the 7-day reminder in the same minute."""
    if now >= deadline:
        return None
    reached = [d for d in days if reminder_moment(deadline, d, tz, hour) <= now]
    return min(reached) if reached else None
