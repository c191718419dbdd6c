"""Build the week's digests and queue one delivery per reader: set-based, idempotent per person and week."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.digest.audience import Reader, readers
from engine.digest.chart import chart_png, chart_rows, series_key
from engine.digest.content import World, gather
from engine.digest.values import reader_values
from engine.env import Env
from engine.errors import NotFound
from engine.models import Broadcast, Delivery, StoredFile
from engine.queue.wakeups import wake_after_commit
from engine.services.bulk import TokenRequest, claim_many, issue_many, record_many
from engine.services.isa import current_version
from engine.services.fanout import BROADCAST_QUEUE
from engine.services.outbox import base_context

KIND = "any.digest"
CHART_NAME = "reports-per-week.png"
CHART_CID = "chart.digest"  # the templates show cid:chart.digest
REPLY_DAYS = 14
READERS_PER_CHUNK = 2000


def _broadcasts(session: Session, env: Env, world: World, built: list[tuple[Reader, dict[str, Any]]],
                ids: dict[str, int]) -> dict[str, int]:
    """series key -> broadcast id: readers with the same chart share one broadcast holding the PNG (stored
    once) and the values they share, so workers send them in batches like any other broadcast."""
    wanted = {series_key(v["series"], world.week_starts): v["series"] for _r, v in built}
    now = env.clock.now()
    shared = {"week_of": world.now.astimezone(env.settings.tz).date().isoformat(),
              "_reply": {"purpose": "digest", "until": (world.now + timedelta(days=REPLY_DAYS)).isoformat()}}
    for key, counts in wanted.items():
        if key in ids:
            continue
        data = chart_png(counts, world.week_starts)
        chart_id = session.execute(insert(StoredFile).returning(StoredFile.id).values(
            filename=CHART_NAME, content_type="image/png", size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), data=data, created_at=now)).scalar_one()
        ids[key] = session.execute(insert(Broadcast).returning(Broadcast.id).values(
            kind=KIND, context=shared | {"chart_rows": chart_rows(counts, world.week_starts)},
            attachments=[{"stored_file": chart_id, "inline": CHART_CID}], bulk=True, created_at=now)).scalar_one()
    return ids


def _own(values: dict[str, Any]) -> dict[str, Any]:
    """A reader's own values, as stored in their delivery row (the chart's are the broadcast's)."""
    return {k: v for k, v in values.items() if k != "series"}


def _context(env: Env, world: World, reader: Reader, values: dict[str, Any]) -> dict[str, Any]:
    """Everything one digest renders with, as the outbound side would assemble it (for the preview)."""
    return base_context(env, None, reader.email) | {
        "recipient_name": reader.name or reader.email.split("@")[0],
        "week_of": world.now.astimezone(env.settings.tz).date().isoformat(),
        "chart_rows": chart_rows(values["series"], world.week_starts)} | _own(values)


def build(session: Session, env: Env, world: World, people: list[Reader]) -> list[tuple[Reader, dict[str, Any]]]:
    """Readers with something to say, and their values."""
    built = []
    for reader in people:
        values = reader_values(env, world, reader)
        if values is not None:
            built.append((reader, values))
    return built


def _isa_tokens(session: Session, env: Env, built: list[tuple[Reader, dict[str, Any]]]) -> dict[int, str]:
    """A chair whose ISA is due gets a digest whose reply confirms it (I AGREE), as the reminders do."""
    due = [(reader.person_id, item["partnership_id"]) for reader, values in built
           for item in values["isa"][:1] if item["due"]]
    if not due:
        return {}
    current = current_version(session)
    tokens = issue_many(session, env, "isa", [TokenRequest(person, "partnership", pid, {"isa_version_id": current.id})
                                              for person, pid in due],
                        timedelta(days=env.settings.invitation_valid_days))
    return {person: token for (person, _pid), token in zip(due, tokens)}


def queue_digests(session: Session, env: Env, moment_label: str | None, email: str | None = None) -> int:
    """Queue this week's digest for every reader with something to say (`email`: just that one).
    With a `moment_label` each (week, person) is claimed once; without one (a test send) it is not."""
    people = readers(session, email)
    if email is not None and not people:
        raise NotFound(f"{email} does not get a digest (unknown address, digest off or unsubscribed)")
    world = gather(session, env, people[0].person_id if email is not None else None)
    broadcasts: dict[str, int] = {}
    queued = 0
    # A chunk of readers at a time, so that memory stays flat however large the force.
    for start in range(0, len(people), READERS_PER_CHUNK):
        queued += _queue_chunk(session, env, world, people[start:start + READERS_PER_CHUNK], moment_label,
                               broadcasts)
    return queued


def _queue_chunk(session: Session, env: Env, world: World, people: list[Reader], moment_label: str | None,
                 broadcasts: dict[str, int]) -> int:
    built = build(session, env, world, people)
    if moment_label is not None:
        keys = {f"digest:{moment_label}:{reader.person_id}": (reader, values) for reader, values in built}
        claimed = claim_many(session, env, keys)
        built = [keys[key] for key in sorted(claimed)]
    if not built:
        return 0
    known = set(broadcasts.values())
    _broadcasts(session, env, world, built, broadcasts)
    tokens = _isa_tokens(session, env, built)
    now = env.clock.now()
    rows = [{"kind": KIND, "person_id": reader.person_id, "to_addr": reader.email, "context": _own(values),
             "broadcast_id": broadcasts[series_key(values["series"], world.week_starts)],
             "reply_token": env.address(f"reply+{tokens[reader.person_id]}") if reader.person_id in tokens else None,
             "status": "queued", "attempts": 0, "next_attempt_at": now, "created_at": now}
            for reader, values in built]
    session.execute(insert(Delivery), rows)
    # Workers take each broadcast's deliveries in batches: one wake-up per stream, not one per reader.
    for broadcast_id in set(broadcasts.values()) - known:
        for _stream in range(min(env.settings.delivery_streams, 2)):
            wake_after_commit(session, BROADCAST_QUEUE, broadcast_id)
    record_many(session, env, "pep", "digest.queued", "person",
                [(reader.person_id, {"week": moment_label or "now", "alerts": [a["id"] for a in values["alerts"]],
                                     "news": len(values["news"]), "events": len(values["events"]),
                                     "documents": len(values["documents"]), "isa_due": values["isa_due"]})
                 for reader, values in built])
    return len(built)


def preview_values(session: Session, env: Env, email: str) -> tuple[dict[str, Any], bytes] | None:
    """What `pep digest preview` renders, with the chart's PNG; None when there is nothing to say.
    Shown even with the digest off, so an operator can see what the person would get."""
    people = readers(session, email, force=True)
    if not people:
        raise NotFound(f"no one with the address {email} is registered")
    world = gather(session, env, people[0].person_id)
    values = reader_values(env, world, people[0])
    if values is None:
        return None
    return _context(env, world, people[0], values), chart_png(values["series"], world.week_starts)


