"""The "more active than assumed" score: incidents across partnerships, breadth, recent acceleration."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

RECENT = timedelta(days=30)
BREADTH_POINTS = 2.0
ACCELERATION_POINTS = 1.5


@dataclass(frozen=True)
class Activity:
    score: float
    reasons: tuple[str, ...]


def activity_score(incidents: list[datetime], partnerships: int, since: datetime, now: datetime) -> Activity:
    """One point per incident in the period, two per partnership beyond the first that knows the person,
    and 1.5 per incident in the last 30 days above the monthly rate before them."""
    reasons = []
    count = len(incidents)
    score = float(count)
    if count:
        reasons.append(f"{count} incident{'s' if count != 1 else ''} since {since.date().isoformat()}")
    if partnerships > 1:
        score += BREADTH_POINTS * (partnerships - 1)
        reasons.append(f"known to {partnerships} partnerships")
    recent = sum(1 for at in incidents if at >= now - RECENT)
    earlier_days = max((now - RECENT - since).days, 1)
    rate = (count - recent) * 30.0 / earlier_days
    if recent > rate and recent >= 2:
        score += ACCELERATION_POINTS * (recent - rate)
        reasons.append(f"{recent} incidents in the last 30 days against {rate:.1f} a month before")
    return Activity(round(score, 1), tuple(reasons) or ("no incidents in the period",))
