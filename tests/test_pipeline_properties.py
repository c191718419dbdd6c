"""Property test through the whole pipeline: mutated real messages, stored and processed against a database.

Bounded for `make test`; `make fuzz` runs it longer (PEP_FUZZ_EXAMPLES sets the number of examples).
"""
from __future__ import annotations

import os
from datetime import timedelta
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine.app import App, build_app
from engine.clock import FixedClock
from engine.models import AuditEvent, Delivery, InboundMessage
from engine.seed import seed_defaults
from engine.services.areas import add_area
from engine.services.isa import current_version
from engine.services.partnerships import invite
from engine.services.people import add_person, find_person
from engine.services.tokens import issue_token
from engine.settings import Settings
from inbound.parse import parse_message
from inbound.process import process_inbound
from inbound.store import store_message
from tests.conftest import START
from tests.harness.databases import SqliteTemplate
from tests.inbound.test_properties import MUTATIONS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOMAIN = "pep.example.org.uk"
SAMPLES: tuple[bytes, ...] = tuple(p.read_bytes() for folder in ("replies", "bounces", "automatic")
                                   for p in sorted((FIXTURES / folder).glob("*.eml")))
EXAMPLES = int(os.environ.get("PEP_FUZZ_EXAMPLES", "100"))
ENDED = {"done", "duplicate", "retry", "parked"}


@dataclass
class World:
    app: App
    recipients: list[str]


@pytest.fixture
def world(tmp_path: Path, sqlite_template: SqliteTemplate) -> Iterator[World]:
    """A migrated SQLite PEP where every fixture sender is registered, with live reply and bounce tokens."""
    config = Settings(database_url=sqlite_template.fresh(tmp_path), var_dir=str(tmp_path / "var"),
                      outbound=f"maildir:{tmp_path / 'outbox'}", secret_key="test-secret-key-of-sufficient-length",
                      domain=DOMAIN)
    app = build_app(config, FixedClock(START))
    with app.sessions() as session:
        seed_defaults(session, app.env)
        add_area(session, app.env, "Brighton East")
        senders = {parse_message(raw).from_addr for raw in SAMPLES} - {None}
        chair = "jane@crown-inn.example.co.uk"
        partnership = invite(session, app.env, "Crown Inn Pubwatch", "pubwatch", "Brighton East", chair)
        for sender in sorted(senders - {chair}):
            if find_person(session, sender) is None and not sender.endswith(DOMAIN):
                add_person(session, app.env, sender, "", "member", partnership=partnership)
        isa = issue_token(session, app.env, "isa", find_person(session, chair), "partnership",  # type: ignore[arg-type]
                          partnership.id, timedelta(days=30), data={"isa_version_id": current_version(session).id})
        delivery_id = session.scalar(select(func.min(Delivery.id)))
        bounce = app.env.signer.encode("bounce", delivery_id, START + timedelta(days=30))  # type: ignore[arg-type]
        session.commit()
    recipients = [f"help@{DOMAIN}", f"reply+{isa}@{DOMAIN}", f"bounces+{bounce}@{DOMAIN}",
                  f"reply+i-zz-zz-{'a' * 20}@{DOMAIN}", f"bounces+nonsense@{DOMAIN}", f"incident@{DOMAIN}"]
    yield World(app, recipients)
    app.close()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    raw = draw(st.sampled_from(SAMPLES))
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=0, max_size=4)):
        raw = mutation(draw, raw)
    return raw


def _answers(app: App) -> Counter[tuple[str, str]]:
    with app.sessions() as session:
        return Counter((str(e.details.get("to")), str(e.details.get("reason")))
                       for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "inbound.answered")))


def _deliveries(app: App) -> int:
    with app.sessions() as session:
        return int(session.scalar(select(func.count(Delivery.id))) or 0)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw=mutated(), recipient_index=st.integers(0, 5), copies=st.integers(1, 2))
def test_the_worker_never_raises_and_every_message_ends_recorded(world: World, raw: bytes, recipient_index: int,
                                                                copies: int) -> None:
    app = world.app
    recipient = world.recipients[recipient_index]
    # Given a mutated real message stored for one of PEP's addresses, possibly delivered twice
    with app.sessions() as session:
        ids = [store_message(session, raw, "sender@example.net", [recipient], "smtp", app.clock.now())[0]
               for _ in range(copies)]
        session.commit()
    # When the worker processes each row (a second time too: it must be idempotent)
    process_inbound(app, ids[0])
    after_first = _deliveries(app)
    for row_id in ids[1:] + ids:
        process_inbound(app, row_id)
    # Then every row ended in a recorded state with its outcome or error
    with app.sessions() as session:
        for row_id in ids:
            row = session.get(InboundMessage, row_id)
            assert row is not None and row.status in ENDED, (row_id, row and row.status)
            assert row.outcome or row.error, row_id
            assert row.status != "retry" or row.error, row_id
        if copies == 2:
            # A parked copy does not make the next one a duplicate, so that a retry can still act on it.
            first, second = session.get(InboundMessage, ids[0]), session.get(InboundMessage, ids[1])
            assert first is not None and second is not None
            assert second.status == "duplicate" or first.status == second.status == "parked"
    # And the second copy, and processing again, sent nothing more; no sender got the same answer twice today
    assert _deliveries(app) == after_first
    assert all(count == 1 for count in _answers(app).values()), _answers(app)
