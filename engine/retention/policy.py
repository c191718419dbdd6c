"""The retention and review policy: months per kind of record, read from PEP_RETENTION_MONTHS and PEP_REVIEW_MONTHS."""
from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta

from engine.errors import InvalidInput
from engine.settings import Settings

SUBJECT_CATEGORIES = ("offender", "wanted", "licence", "order", "id_sought", "exclusion")
RETENTION_KINDS = SUBJECT_CATEGORIES + ("reports", "inbound", "deliveries", "audit")
REVIEW_KINDS = SUBJECT_CATEGORIES + ("reports",)


def _table(name: str, text: str, required: tuple[str, ...]) -> dict[str, int]:
    months: dict[str, int] = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        key, eq, value = pair.partition("=")
        if not eq or not value.strip().isdigit() or int(value) < 1:
            raise InvalidInput(f"{name}: {pair!r} is not name=months (months at least 1)")
        months[key.strip().lower()] = int(value)
    missing = [k for k in required if k not in months]
    if missing:
        raise InvalidInput(f"{name} has no months for {', '.join(missing)}")
    return months


def retention_months(settings: Settings) -> dict[str, int]:
    """{"offender": 72, "reports": 72, "inbound": 6, ...}: every kind must be named."""
    return _table("PEP_RETENTION_MONTHS", settings.retention_months, RETENTION_KINDS)


def review_months(settings: Settings) -> dict[str, int]:
    return _table("PEP_REVIEW_MONTHS", settings.review_months, REVIEW_KINDS)


def subject_kind(category: str, source: str) -> str:
    """A partnership's own exclusion subjects follow the exclusion policy; police subjects their category."""
    if source != "police":
        return "exclusion"
    return category if category in SUBJECT_CATEGORIES else "offender"


def months_before(moment: datetime, months: int) -> datetime:
    return moment - relativedelta(months=months)


def months_after(moment: datetime, months: int) -> datetime:
    return moment + relativedelta(months=months)
