"""Read a draft's header fields into a plan: kind, category, audience, areas, expiry; errors by line."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.dates import add_months
from engine.env import Env
from engine.errors import InvalidInput, NotPermitted
from engine.models import Area, PartnershipType, Person
from engine.services.draft_header import DraftText, Field
from engine.services.expiry import check_expiry, default_days
from engine.services.people import current_roles
from rules.model import CATEGORIES, REACHES

PUBLISH_KINDS = ("news", "event", "meeting", "document")
PUBLISHING_ROLES = ("admin", "coordinator", "officer")
_DURATION = re.compile(r"^(\d{1,4})\s*(day|days|week|weeks|month|months)$", re.I)
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d/%m/%Y")


@dataclass
class Plan:
    """What the author asked for, resolved; `errors` are ready to show ("line 2: …")."""

    kind: str = "alert"
    category: str = "info"
    reach: str = "chairs"
    types: tuple[str, ...] | None = None
    areas: tuple[str, ...] | None = None
    expires_at: datetime | None = None
    starts_at: datetime | None = None
    place: str = ""
    body: str = ""
    errors: list[str] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.errors.append(f"line {line}: {message}")


def sender_scope(session: Session, person: Person) -> list[Area] | None:
    """Areas the sender may publish to: None for an admin (everywhere); NotPermitted for someone with none."""
    roles = [r for r in current_roles(session, person.id) if r.role in PUBLISHING_ROLES]
    if not roles:
        raise NotPermitted(f"{person.email} may not send alerts or publications: only police officers, "
                           "coordinators and admins registered with PEP may")
    if any(r.role == "admin" for r in roles):
        return None
    return [a for a in (session.get(Area, r.area_id) for r in roles if r.area_id) if a is not None]


def parse_when(text: str, env: Env) -> datetime:
    """`2026-12-03 19:00` (or a date) in the force's timezone."""
    clean = " ".join(text.split())
    for candidate in (clean, clean.replace(" ", "T", 1)):
        try:
            value = datetime.fromisoformat(candidate)
            return value if value.tzinfo else value.replace(tzinfo=env.settings.tz)
        except ValueError:
            pass
    return datetime.combine(_parse_date(clean), time(0, 0), env.settings.tz)


def _parse_date(text: str) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise InvalidInput(f"{text!r} is not a date (write e.g. 2026-12-31 or 31 December 2026)")


def parse_expires(text: str, env: Env) -> datetime:
    """A duration ("28 days", "6 weeks", "2 months") from now, or the end of a date in the force's timezone."""
    now = env.clock.now()
    match = _DURATION.match(" ".join(text.split()))
    if match:
        n, unit = int(match[1]), match[2].lower()
        if unit.startswith("month"):
            return add_months(now, n)
        return now + timedelta(days=n * (7 if unit.startswith("week") else 1))
    day = _parse_date(" ".join(text.split()))
    return datetime.combine(day + timedelta(days=1), time(0, 0), env.settings.tz)


def plan_draft(session: Session, env: Env, sender: Person, address: str, draft: DraftText) -> Plan:
    """Resolve every header field; nothing here writes to the database."""
    scope = sender_scope(session, sender)
    plan = Plan(kind="alert" if address == "alerts" else "news", body=draft.body)
    for line, message in draft.problems:
        plan.error(line, message)
    fields = draft.fields
    if "kind" in fields:
        value = fields["kind"].value.strip().lower()
        allowed = PUBLISH_KINDS if address == "publish" else ("alert",)
        if value not in allowed:
            hint = "" if address == "publish" else " (news, events, meetings and documents go to publish@)"
            plan.error(fields["kind"].line, f"unknown kind {value!r}: one of {', '.join(allowed)}{hint}")
        else:
            plan.kind = value
    if "category" in fields:
        value = fields["category"].value.strip().lower()
        if value not in CATEGORIES:
            plan.error(fields["category"].line, f"unknown category {value!r} (one of {', '.join(CATEGORIES)})")
        else:
            plan.category = value
    if "reach" in fields:
        value = fields["reach"].value.strip().lower()
        if value not in REACHES:
            plan.error(fields["reach"].line, f"unknown reach {value!r} (chairs or members)")
        else:
            plan.reach = value
    if "audience" in fields:
        plan.types = _types(session, plan, fields["audience"].value, fields["audience"].line)
    plan.areas = _areas(session, plan, scope, fields["area"].value if "area" in fields else None,
                        fields["area"].line if "area" in fields else 0)
    _dates(env, plan, fields)
    if not plan.body and not plan.errors:
        plan.error(0, "the message has no text below the header lines")
    return plan


def _types(session: Session, plan: Plan, text: str, line: int) -> tuple[str, ...] | None:
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if not names or names == ["all"]:
        return None
    known = set(session.scalars(select(func.lower(PartnershipType.name))))
    for name in names:
        if name not in known:
            plan.error(line, f"unknown partnership type {name!r} (one of {', '.join(sorted(known))}, or all)")
    return tuple(names) if all(n in known for n in names) else ()


def _areas(session: Session, plan: Plan, scope: list[Area] | None, text: str | None,
           line: int) -> tuple[str, ...] | None:
    own = None if scope is None else tuple(a.name for a in scope)
    if text is None or not text.strip():
        return own
    if text.strip().lower() == "all":
        if scope is not None:
            plan.error(line, "you may publish only to your own areas: name them, or leave Area out")
        return own
    chosen = []
    for name in (n.strip() for n in text.split(",") if n.strip()):
        area = session.scalar(select(Area).where(func.lower(Area.name) == " ".join(name.split()).lower()))
        if area is None:
            plan.error(line, f"unknown area {name!r}")
        elif scope is not None and not any(area.path.startswith(s.path) for s in scope):
            plan.error(line, f"{area.name} is outside the areas you may publish to "
                             f"({', '.join(s.name for s in scope) or 'none'})")
        else:
            chosen.append(area.name)
    return tuple(chosen)


def _dates(env: Env, plan: Plan, fields: dict[str, Field]) -> None:
    now = env.clock.now()
    if "when" in fields:
        try:
            plan.starts_at = parse_when(fields["when"].value, env)
            if plan.starts_at <= now:
                plan.error(fields["when"].line, "the date is in the past")
        except InvalidInput as exc:
            plan.error(fields["when"].line, str(exc))
    elif plan.kind in ("event", "meeting"):
        plan.error(0, f"a{'n' if plan.kind == 'event' else ''} {plan.kind} needs a When: line with its date and time")
    if "where" in fields:
        plan.place = fields["where"].value[:300]
    if "expires" in fields:
        try:
            plan.expires_at = parse_expires(fields["expires"].value, env)
            check_expiry(env.settings, now, plan.expires_at)
        except InvalidInput as exc:
            plan.error(fields["expires"].line, str(exc))
    else:
        plan.expires_at = now + timedelta(days=default_days(env.settings, plan.category, plan.kind))
        if plan.starts_at is not None and plan.starts_at > plan.expires_at:
            plan.expires_at = min(plan.starts_at + timedelta(days=1),
                                  now + timedelta(days=env.settings.expiry_max_days))
