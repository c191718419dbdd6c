"""The gate: personal data reaches only current partnerships and unsuppressed people, and every pass is audited."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.app import App
from engine.clock import FixedClock
from engine.models import AuditEvent, IsaConfirmation, Person, Publication
from engine.services import gate
from engine.services.audiences import audience_for, count
from tests.harness.force import area, emails_of, officer, partnership


@pytest.fixture
def force(app: App) -> App:
    with app.sessions() as session:
        env = app.env
        area(session, env, "Sussex")
        area(session, env, "East", "Sussex")
        area(session, env, "Kemptown", "East")
        area(session, env, "West", "Sussex")
        partnership(session, env, "Kemptown Pubwatch", "pubwatch", "Kemptown", disc=True, authoring=True, members=2)
        partnership(session, env, "East Pubwatch", "pubwatch", "East", disc=True, authoring=False, members=2)
        partnership(session, env, "Lapsed Pubwatch", "pubwatch", "East", status="lapsed", isa_current=False)
        partnership(session, env, "Stale Pubwatch", "pubwatch", "East", isa_current=False)
        partnership(session, env, "East Shopwatch", "shopwatch", "East")
        partnership(session, env, "West Pubwatch", "pubwatch", "West")
        officer(session, env, "pc@police.example", "East")
        session.commit()
    return app


def reached(app: App, category: str, reach: str, types: list[str] | None, areas: list[str] | None) -> set[str]:
    with app.sessions() as session:
        audience = audience_for(session, app.env, "alert", category, reach, types, areas, None)
        passed = gate.allowed(audience.pairs, app.clock.now(), gate.carries_personal_data(category))
        return emails_of(session, [row.person_id for row in session.execute(passed)])


CHAIR = "chair@{}.example"


@pytest.mark.parametrize(("category", "reach", "types", "areas", "expected"), [
    # personal data: only active partnerships with a current ISA, pubwatches in East's subtree
    ("wanted", "chairs", ["pubwatch"], ["East"], {CHAIR.format("kemptown-pubwatch"), CHAIR.format("east-pubwatch")}),
    # information: every partnership matched, lapsed included, ISA not needed
    ("info", "chairs", ["pubwatch"], ["East"], {CHAIR.format(s) for s in
                                               ("kemptown-pubwatch", "east-pubwatch", "lapsed-pubwatch",
                                                "stale-pubwatch")}),
    # Reach members: members only where disc_enabled and authoring_agreed
    ("wanted", "members", ["pubwatch"], ["Kemptown"], {CHAIR.format("kemptown-pubwatch"),
                                                       "m0@kemptown-pubwatch.example", "m1@kemptown-pubwatch.example"}),
    ("wanted", "members", ["pubwatch"], ["East"], {CHAIR.format("kemptown-pubwatch"), CHAIR.format("east-pubwatch"),
                                                   "m0@kemptown-pubwatch.example", "m1@kemptown-pubwatch.example"}),
    # all types, the whole force
    ("offender", "chairs", None, None, {CHAIR.format(s) for s in ("kemptown-pubwatch", "east-pubwatch",
                                                                  "east-shopwatch", "west-pubwatch")}),
])
def test_audience_through_the_gate(force: App, category: str, reach: str, types: list[str] | None,
                                   areas: list[str] | None, expected: set[str]) -> None:
    # Given the force above, When the audience for a draft is resolved and gated
    # Then exactly these people may receive it
    assert reached(force, category, reach, types, areas) == expected


def test_suppressed_people_and_expired_publications_get_nothing(force: App, clock: FixedClock) -> None:
    app = force
    with app.sessions() as session:
        # Given a suppressed chair
        person = session.scalar(select(Person).where(Person.email == CHAIR.format("east-pubwatch")))
        person.suppressed_at = clock.now()
        session.commit()
    # When personal data is gated, Then the suppressed chair is left out
    assert CHAIR.format("east-pubwatch") not in reached(app, "wanted", "chairs", ["pubwatch"], ["East"])
    # And when the publication itself has expired, nobody passes
    with app.sessions() as session:
        audience = audience_for(session, app.env, "alert", "info", "chairs", None, None, None)
        expired = Publication(kind="alert", category="info", title="t", author_id=person.id,
                              expires_at=clock.now() - timedelta(minutes=1), created_at=clock.now())
        assert session.execute(gate.allowed(audience.pairs, clock.now(), False, expired)).all() == []


def test_disclosure_is_audited_with_the_isa_confirmation_relied_on(force: App, clock: FixedClock) -> None:
    app = force
    with app.sessions() as session:
        # Given a wanted-person alert for pubwatches in East
        author = session.scalar(select(Person).where(Person.email == "pc@police.example"))
        publication = Publication(kind="alert", category="wanted", title="Wanted", author_id=author.id,
                                  audience={"types": ["pubwatch"], "areas": ["East"]}, reach="chairs",
                                  expires_at=clock.now() + timedelta(days=7), created_at=clock.now())
        session.add(publication)
        session.flush()
        audience = audience_for(session, app.env, "alert", "wanted", "chairs", ["pubwatch"], ["East"], author.id)
        # When it passes the gate for sending
        passed = session.execute(gate.disclose(session, app.env, publication, audience.pairs)).all()
        session.flush()
        # Then one audit event per pass names the person, the partnership and the current confirmation
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "gate.disclosed")))
        assert len(events) == len(passed) == 2
        for event in events:
            confirmation = session.get(IsaConfirmation, event.details["isa_confirmation_id"])
            assert confirmation.partnership_id == event.details["partnership_id"]
            assert confirmation.expires_at > clock.now()
            assert event.object_id == publication.id and event.details["category"] == "wanted"


def test_counts_name_partnerships_and_those_held_back(force: App) -> None:
    app = force
    with app.sessions() as session:
        # Given an info alert to pubwatches in East, reaching members where agreed
        audience = audience_for(session, app.env, "alert", "info", "members", ["pubwatch"], ["East"], None)
        # When it is counted
        counts = count(session, app.env, audience, "info")
    # Then partnerships are named with their recipients and the total counts each person once
    by_name = {p["name"]: p["recipients"] for p in counts.partnerships}
    assert by_name == {"Kemptown Pubwatch": 3, "East Pubwatch": 1, "Lapsed Pubwatch": 1, "Stale Pubwatch": 1}
    assert counts.recipients == 6 and counts.held_back == []
