"""The ISA jobs: remind chairs before their deadline, ask for a new version, lapse at the deadline."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Area, IsaConfirmation, IsaVersion, Partnership, Person, Role
from engine.scheduler.due import due_reminder
from engine.scheduler.recipients import chairs_of, nearest_coordinators
from engine.services.bulk import Outgoing, TokenRequest, claim_many, issue_many, queue_many, record_many
from engine.services.isa import current_version
from engine.services.isa_standing import cycle, deadline_of, latest_confirmation
from engine.settings import reminder_days


def _local_date(env: Env, at: Any) -> str:
    return at.astimezone(env.settings.tz).date().isoformat()


def _isa_tokens(session: Session, env: Env, current: IsaVersion, people: list[tuple[int, int]]) -> list[str]:
    """Fresh single-use ISA tokens, one per (person id, partnership id)."""
    return issue_many(session, env, "isa", [TokenRequest(person, "partnership", pid, {"isa_version_id": current.id})
                                            for person, pid in people],
                      timedelta(days=env.settings.invitation_valid_days))


def _shared(current: IsaVersion) -> dict[str, Any]:
    return {"isa_version": current.version, "period_months": current.period_months}


def send_reminders(session: Session, env: Env) -> int:
    """Reminders (PEP_ISA_REMINDER_DAYS) to the chairs of active partnerships nearing their deadline."""
    current = current_version(session)
    now = env.clock.now()
    days = reminder_days(env.settings)
    deadline = deadline_of(env, current)
    latest = latest_confirmation()
    rows = session.execute(
        select(Partnership.id, Partnership.name, IsaConfirmation.id, IsaConfirmation.isa_version_id,
               deadline.label("deadline"), Person.id, Person.email, Person.name)
        .join(latest, latest.c.partnership_id == Partnership.id)
        .join(IsaConfirmation, IsaConfirmation.id == latest.c.confirmation_id)
        .join(Role, (Role.partnership_id == Partnership.id) & (Role.role == "chair") & Role.ended_at.is_(None))
        .join(Person, (Person.id == Role.person_id) & Person.suppressed_at.is_(None))
        .where(Partnership.status == "active", deadline > now, deadline <= now + timedelta(days=days[0] + 2))).all()
    due: dict[str, tuple[Any, int]] = {}
    for row in rows:
        pid, _name, cid, _vid, end, person_id = row[:6]
        days_left = due_reminder(end, now, days, env.settings.tz, env.settings.isa_reminder_hour)
        if days_left is not None:
            due[f"isa.reminder:{pid}:{cycle(cid, current)}:{days_left}:{person_id}"] = (row, days_left)
    claimed = [due[key] for key in sorted(claim_many(session, env, due))]
    tokens = _isa_tokens(session, env, current, [(row[5], row[0]) for row, _ in claimed])
    outgoing = [Outgoing(row[5], row[6], {
        "person_name": row[7] or row[6], "partnership_name": row[1], "days_left": days_left,
        "confirm_by": _local_date(env, row[4]), "new_version": row[3] != current.id,
    }, env.address(f"reply+{token}")) for (row, days_left), token in zip(claimed, tokens)]
    queue_many(session, env, "chair.isa.reminder", _shared(current), outgoing, [{"isa_version": current.id}])
    record_many(session, env, "pep", "isa.reminder_sent", "partnership",
                [(row[0], {"to": row[6], "days_left": days_left, "deadline": row[4].isoformat()})
                 for row, days_left in claimed])
    return len(claimed)


def request_new_version(session: Session, env: Env) -> int:
    """Ask the chairs of active and lapsed partnerships that confirmed an older version to confirm the current one."""
    current = current_version(session)
    now = env.clock.now()
    deadline = deadline_of(env, current)
    latest = latest_confirmation()
    rows = session.execute(
        select(Partnership.id, Partnership.name, Partnership.status, IsaConfirmation.id, deadline.label("deadline"),
               Person.id, Person.email, Person.name)
        .join(latest, latest.c.partnership_id == Partnership.id)
        .join(IsaConfirmation, IsaConfirmation.id == latest.c.confirmation_id)
        .join(IsaVersion, IsaVersion.id == IsaConfirmation.isa_version_id)
        .join(Role, (Role.partnership_id == Partnership.id) & (Role.role == "chair") & Role.ended_at.is_(None))
        .join(Person, (Person.id == Role.person_id) & Person.suppressed_at.is_(None))
        .where(Partnership.status.in_(("active", "lapsed")), IsaVersion.version < current.version)).all()
    due = {f"isa.version_request:{row[0]}:v{current.version}:{row[5]}": row for row in rows}
    claimed = [due[key] for key in sorted(claim_many(session, env, due))]
    tokens = _isa_tokens(session, env, current, [(row[5], row[0]) for row in claimed])
    outgoing = [Outgoing(row[5], row[6], {
        "person_name": row[7] or row[6], "partnership_name": row[1],
        "confirm_by": _local_date(env, row[4]) if row[4] > now and row[2] == "active" else "",
    }, env.address(f"reply+{token}")) for row, token in zip(claimed, tokens)]
    queue_many(session, env, "chair.isa.new_version", _shared(current) | {"isa_text": current.text}, outgoing,
               [{"isa_version": current.id}])
    record_many(session, env, "pep", "isa.version_requested", "partnership",
                [(row[0], {"to": row[6], "isa_version": current.version}) for row in claimed])
    return len(claimed)


def lapse_expired(session: Session, env: Env) -> int:
    """Active partnerships past their deadline become lapsed; their chairs and coordinators are told."""
    current = current_version(session)
    now = env.clock.now()
    deadline = deadline_of(env, current)
    latest = latest_confirmation()
    rows = session.execute(
        select(Partnership.id, Partnership.name, IsaConfirmation.id, deadline.label("deadline"), Area.name)
        .join(latest, latest.c.partnership_id == Partnership.id)
        .join(IsaConfirmation, IsaConfirmation.id == latest.c.confirmation_id)
        .join(Area, Area.id == Partnership.area_id)
        .where(Partnership.status == "active", deadline <= now)).all()
    due = {f"isa.lapse:{row[0]}:{cycle(row[2], current)}": row for row in rows}
    claimed = {row[0]: row for row in (due[key] for key in claim_many(session, env, due))}
    if not claimed:
        return 0
    session.execute(update(Partnership).where(Partnership.id.in_(claimed), Partnership.status == "active")
                    .values(status="lapsed", status_changed_at=now).execution_options(synchronize_session=False))
    record_many(session, env, "pep", "partnership.status", "partnership",
                [(pid, {"old": "active", "new": "lapsed", "deadline": row[3].isoformat()})
                 for pid, row in claimed.items()])
    chairs = chairs_of(session, claimed)
    people = [(person[0], pid) for pid in sorted(claimed) for person in chairs.get(pid, [])]
    tokens = iter(_isa_tokens(session, env, current, people))
    outgoing = [Outgoing(person_id, email, {
        "person_name": name or email, "partnership_name": claimed[pid][1],
        "lapsed_on": _local_date(env, claimed[pid][3])}, env.address(f"reply+{next(tokens)}"))
        for pid in sorted(claimed) for person_id, email, name in chairs.get(pid, [])]
    queue_many(session, env, "chair.isa.lapsed", _shared(current), outgoing, [{"isa_version": current.id}])
    _tell_coordinators(session, env, claimed, chairs)
    return len(claimed)


def _tell_coordinators(session: Session, env: Env, lapsed: dict[int, Any],
                       chairs: dict[int, list[tuple[int, str, str]]]) -> None:
    """One message per coordinator listing every partnership of theirs that lapsed in this run."""
    per_person: dict[tuple[int, str, str], list[dict[str, str]]] = defaultdict(list)
    for pid, coordinators in nearest_coordinators(session, lapsed).items():
        row = lapsed[pid]
        for coordinator in coordinators:
            per_person[coordinator].append({
                "name": row[1], "area": row[4], "lapsed_on": _local_date(env, row[3]),
                "chairs": ", ".join(email for _id, email, _name in chairs.get(pid, [])) or "(no chair)"})
    outgoing = [Outgoing(person_id, email, {"person_name": name or email,
                                            "partnerships": sorted(items, key=lambda i: i["name"])})
                for (person_id, email, name), items in sorted(per_person.items())]
    queue_many(session, env, "coordinator.partnership.lapsed", {}, outgoing)
