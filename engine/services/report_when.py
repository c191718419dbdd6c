"""When something happened, read from a report: `When:` values and phrases like "today 3pm" or "yesterday".

Written here rather than taken from a natural-date library: the phrases members use are few and
British ("last night", "27/11"), past times must win over future ones, and a report must never be
dated by a stray number, which general-purpose parsers happily do.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The time of day a phrase stands for when no clock time is given.
_PART_HOURS = {"morning": time(9), "afternoon": time(15), "evening": time(19), "night": time(21)}
_RELATIVE = {"today": (0, None), "tonight": (0, "night"), "this morning": (0, "morning"),
             "this afternoon": (0, "afternoon"), "this evening": (0, "evening"), "yesterday": (1, None),
             "yesterday morning": (1, "morning"), "yesterday afternoon": (1, "afternoon"),
             "yesterday evening": (1, "evening"), "last night": (1, "night")}

_DAY_WORDS = (r"(?:yesterday (?:morning|afternoon|evening)|yesterday|today|tonight|this (?:morning|afternoon|evening)"
              r"|last night|(?:last |on )?(?:" + "|".join(_WEEKDAYS) + r")"
              r"|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
              r"|\d{1,2}(?:st|nd|rd|th)? (?:" + "|".join(_MONTHS) + r")[a-z]*(?: \d{4})?)")
_TIME_WORDS = r"(?:\d{1,2}(?:[:.]\d{2})? ?(?:am|pm)|\d{1,2}:\d{2}|noon|midday|midnight)"
_GLUE = r"(?:,? ?(?:at|about|around|approx\.?|approximately|from|by)? ?)"
_PHRASE = re.compile(rf"\b(?:(?P<day>{_DAY_WORDS})(?:{_GLUE}(?P<time>{_TIME_WORDS}))?"
                     rf"|(?P<time2>{_TIME_WORDS})(?:{_GLUE}(?P<day2>{_DAY_WORDS}))?)(?![\w:/])", re.I)


def _clock(text: str) -> time | None:
    text = text.lower().replace(" ", "")
    if text in ("noon", "midday"):
        return time(12)
    if text == "midnight":
        return time(0)
    found = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?(am|pm)?", text)
    if found is None:
        return None
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _day(text: str, today: date) -> tuple[date, time | None] | None:
    text = " ".join(text.lower().split())
    if text in _RELATIVE:
        back, part = _RELATIVE[text]
        return today - timedelta(days=back), _PART_HOURS.get(part or "")
    name = text.removeprefix("last ").removeprefix("on ")
    if name in _WEEKDAYS:
        back = (today.weekday() - _WEEKDAYS.index(name)) % 7 or (7 if text.startswith("last ") else 0)
        return today - timedelta(days=back), None
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-"))), None
        found = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?", text)
        if found:  # British order: day/month
            year = int(found.group(3)) if found.group(3) else today.year
            return date(year + 2000 if year < 100 else year, int(found.group(2)), int(found.group(1))), None
        found = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)(?: (\d{4}))?", text)
        if found and found.group(2)[:3] in _MONTHS:
            return date(int(found.group(3) or today.year), _MONTHS.index(found.group(2)[:3]) + 1,
                        int(found.group(1))), None
    except ValueError:
        return None
    return None


def find_when(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The first time phrase in `text` as an aware datetime (force timezone), or None.

    A day with no clock time is taken at noon (or the part of the day it names); a clock time with
    no day, or with "today" or "tonight", is that day, or the day before when that would be in the
    future; a date without a year that would be in the future is last year's.
    """
    local_now = now.astimezone(tz)
    for found in _PHRASE.finditer(text):
        day_text = found.group("day") or found.group("day2")
        time_text = found.group("time") or found.group("time2")
        clock = _clock(time_text) if time_text else None
        if time_text and clock is None:
            continue
        if day_text is None:
            if clock is None:
                continue
            at = datetime.combine(local_now.date(), clock, tz)
            return at - timedelta(days=1) if at > local_now else at
        day = _day(day_text, local_now.date())
        if day is None:
            continue
        on, part = day
        at = datetime.combine(on, clock or part or time(12), tz)
        if clock is not None and at > local_now and " ".join(day_text.lower().split()) in _RELATIVE:
            # "today 3pm" sent just after midnight was written about the day that has just ended
            return at - timedelta(days=1)
        if at > local_now and re.search(r"\d", day_text) and not re.search(r"\d{4}|/\d+/", day_text):
            at = at.replace(year=at.year - 1)  # "3 Dec" written in November means last December
        return min(at, local_now)  # "tonight" written at four o'clock means up to now
    return None
