"""When this week's digest is due: the configured weekday and local time, clock changes included."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from engine.errors import InvalidInput
from engine.settings import Settings

CATCH_UP = timedelta(days=1)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def digest_weekday(settings: Settings) -> int:
    day = settings.digest_day.strip().lower()
    if day not in WEEKDAYS:
        raise InvalidInput(f"PEP_DIGEST_DAY {settings.digest_day!r} is not a day of the week")
    return WEEKDAYS.index(day)


def digest_clock_time(settings: Settings) -> time:
    try:
        return time.fromisoformat(settings.digest_time.strip())
    except ValueError:
        raise InvalidInput(f"PEP_DIGEST_TIME {settings.digest_time!r} is not HH:MM") from None


def week_moment(settings: Settings, now: datetime) -> datetime:
    """The digest moment of the digest week that `now` falls in (local calendar, so 08:00 stays 08:00
    on both sides of a clock change). A digest week starts at the moment itself: before Monday 08:00
    it is still last week's."""
    tz = settings.tz
    local = now.astimezone(tz)
    day = local.date() - timedelta(days=(local.weekday() - digest_weekday(settings)) % 7)
    moment = datetime.combine(day, digest_clock_time(settings), tzinfo=tz)
    if moment > now:
        moment = datetime.combine(day - timedelta(days=7), digest_clock_time(settings), tzinfo=tz)
    return moment


def due_moment(settings: Settings, now: datetime) -> datetime | None:
    """This week's moment if the digest is due as of `now`: from the moment until a day later. A
    scheduler that was down all that day skips a week rather than sending it days late."""
    moment = week_moment(settings, now)
    return moment if now < moment + CATCH_UP else None


def week_label(moment: datetime) -> str:
    """Names one digest week in notification keys: the local date of its moment."""
    return moment.date().isoformat()
