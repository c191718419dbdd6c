"""Report references: PEP-YYYY-NNNNNN, sequential within a year, never repeated under concurrency."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from engine.app import App
from engine.clock import FixedClock
from engine.services.references import next_reference


def take(app: App) -> str:
    with app.sessions() as session:
        ref = next_reference(session, app.env)
        session.commit()
        return ref


def test_references_are_sequential_and_restart_each_year(app: App, clock: FixedClock) -> None:
    # Given a fresh database
    # When three references are taken this year and one after New Year (force timezone)
    first = [take(app) for _ in range(3)]
    clock.set(datetime(2027, 1, 1, 0, 30, tzinfo=timezone.utc))
    next_year = take(app)
    # Then they count up from 1 within each year
    assert first == ["PEP-2026-000001", "PEP-2026-000002", "PEP-2026-000003"]
    assert next_year == "PEP-2027-000001"


def test_a_rolled_back_transaction_gives_its_number_back(app: App) -> None:
    # Given a reference taken in a transaction that is then rolled back
    with app.sessions() as session:
        next_reference(session, app.env)
        session.rollback()
    # When another is taken, Then the sequence has no gap
    assert take(app) == "PEP-2026-000001"


def test_concurrent_takers_never_share_a_reference(app: App) -> None:
    # Given eight threads each taking references in their own transactions at once
    with ThreadPoolExecutor(8) as pool:
        refs = list(pool.map(lambda _: _retrying_take(app), range(40)))
    # Then all forty are distinct and form an unbroken sequence
    assert len(set(refs)) == 40
    assert sorted(refs) == [f"PEP-2026-{n:06d}" for n in range(1, 41)]


def _retrying_take(app: App) -> str:
    # SQLite allows one writer: a second one may find the database locked and tries again.
    import sqlalchemy.exc
    for _ in range(200):
        try:
            return take(app)
        except sqlalchemy.exc.OperationalError:
            continue
    raise AssertionError("could not take a reference")
