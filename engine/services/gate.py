"""The one gate personal data passes: who may receive it, decided in SQL and audited in bulk.

A recipient may receive personal data only when their partnership is active with a current ISA
confirmation, they are not suppressed and still hold their role, and the publication (or subject)
is neither withdrawn nor past its expiry. Every pass is written to the audit log with the ISA
confirmation it relied on. Information that is not personal data still stops at expiry,
withdrawal and suppression, but needs no ISA.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, cast, false, func, insert, literal, select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import AuditEvent, IsaConfirmation, Partnership, Person, Publication, Subject
from engine.services.json_sql import json_object
from rules.model import PERSONAL_CATEGORIES


def carries_personal_data(category: str) -> bool:
    return category in PERSONAL_CATEGORIES


def still_current(thing: Publication | Subject | None, now: datetime) -> bool:
    """Not withdrawn and not past its expiry (one object: the query-wide form is in services.expiry)."""
    if thing is None:
        return True
    return thing.withdrawn_at is None and (thing.expires_at is None or thing.expires_at > now)


def current_confirmations(now: datetime) -> Any:
    """Per partnership, the newest ISA confirmation still in force."""
    return (select(IsaConfirmation.partnership_id, func.max(IsaConfirmation.id).label("confirmation_id"))
            .where(IsaConfirmation.expires_at > now).group_by(IsaConfirmation.partnership_id)
            .subquery("current_isa"))


def allowed(pairs: Select[Any], now: datetime, personal: bool,
            publication: Publication | None = None, subject: Subject | None = None) -> Select[Any]:
    """Of the audience `pairs` (person_id, partnership_id, onward), those the gate lets through,
    with the ISA confirmation each relies on: (person_id, partnership_id, onward, confirmation_id)."""
    audience = pairs.subquery("audience")
    isa = current_confirmations(now)
    # Suppressed addresses are few: excluding them (an anti-join on a small set) is far cheaper
    # than joining every recipient to the people table.
    suppressed = select(Person.id).where(Person.suppressed_at.is_not(None))
    query = (select(audience.c.person_id, audience.c.partnership_id, audience.c.onward,
                    isa.c.confirmation_id)
             .outerjoin(isa, isa.c.partnership_id == audience.c.partnership_id)
             .where(audience.c.person_id.not_in(suppressed)))
    if not (still_current(publication, now) and still_current(subject, now)):
        query = query.where(false())
    if personal:
        query = (query.join(Partnership, Partnership.id == audience.c.partnership_id)
                 .where(Partnership.status == "active", isa.c.confirmation_id.is_not(None)))
    return query


def recipients(passed: Select[Any]) -> Select[Any]:
    """Distinct person ids of a gate result, the form fan_out takes."""
    inner = passed.subquery("passed")
    return select(inner.c.person_id).distinct()


def disclose(session: Session, env: Env, publication: Publication, pairs: Select[Any],
             actor: str = "pep") -> Select[Any]:
    """Gate `pairs` for `publication` and audit every pass in one INSERT … SELECT; returns the passes.

    Call it in the transaction that fans the publication out, so the audit and the deliveries
    commit together and describe the same people.
    """
    now = env.clock.now()
    personal = carries_personal_data(publication.category)
    passed = allowed(pairs, now, personal, publication)
    if personal:
        rows = passed.subquery("passes")
        session.execute(insert(AuditEvent).from_select(
            ["at", "actor", "action", "object_kind", "object_id", "details"],
            select(literal(now, AuditEvent.at.type), literal(actor), literal("gate.disclosed"),
                   literal("publication"), literal(publication.id),
                   json_object("person_id", rows.c.person_id, "partnership_id", rows.c.partnership_id,
                               "isa_confirmation_id", rows.c.confirmation_id,
                               "category", cast(literal(publication.category), String)))))
    return passed
