"""Two `pep scheduler` processes and `pep tick` run again and again, all at once: each reminder and each
digest once."""
from __future__ import annotations

import subprocess
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from typing import Any, Callable

from sqlalchemy import func, select, update

from engine.models import Delivery, IsaConfirmation
from tests.faults.conftest import app_of, scaled
from tests.faults.processes import PEP, PepProcess, settle
from tests.lifecycle.force import confirm_by_token, invite_partnership


def test_concurrent_schedulers_and_repeated_ticks_send_each_reminder_and_digest_once(stack: dict[str, Any],
                                                                          figures: Callable[..., None]) -> None:
    # Given partnerships whose ISA confirmations run out in six days (a reminder is due for each)
    count = scaled(200, 20)
    app = app_of(stack)
    for n in range(count):
        invite_partnership(app, name=f"Partnership {n}", chair=f"chair{n}@shops.example", area="Faultshire")
        confirm_by_token(app, f"chair{n}@shops.example")
    with app.sessions() as session:
        session.execute(update(IsaConfirmation).values(expires_at=app.clock.now() + timedelta(days=6)))
        session.commit()
    env = stack["env"] | {"PEP_SCHEDULER_SECONDS": "1"}
    schedulers = [PepProcess("scheduler", env, stack["logs"]) for _ in range(2)]
    # When two schedulers run and, at the same time, `pep tick` is run four times in parallel, twice over
    try:
        for scheduler in schedulers:
            scheduler.start()
        for _ in range(2):
            ticks = [subprocess.Popen([PEP, "tick"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                     for _ in range(4)]
            assert all(t.wait(120) == 0 for t in ticks), [t.stderr.read() for t in ticks]  # type: ignore[union-attr]
        time.sleep(3)

        def reminders() -> int:
            with app.sessions() as session:
                return session.scalar(select(func.count()).select_from(Delivery).where(
                    Delivery.kind == "chair.isa.reminder")) or 0
        settle(lambda: reminders() >= count, 60)
        with app.sessions() as session:
            per_chair = session.execute(select(Delivery.to_addr, func.count()).where(
                Delivery.kind == "chair.isa.reminder").group_by(Delivery.to_addr)).all()
        # And when the weekly digest falls due (next Monday 08:05 in the force's timezone) and `pep tick
        # --now` is run four at a time, twice, while the schedulers go on
        today = datetime.now(ZoneInfo("Europe/London")).date()
        monday = today + timedelta(days=(7 - today.weekday()) or 7)
        for _ in range(2):
            ticks = [subprocess.Popen([PEP, "tick", "--now", f"{monday.isoformat()}T08:05"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(4)]
            assert all(t.wait(300) == 0 for t in ticks), [t.stderr.read() for t in ticks]  # type: ignore[union-attr]
        with app.sessions() as session:
            digests = session.execute(select(Delivery.to_addr, func.count()).where(
                Delivery.kind == "any.digest").group_by(Delivery.to_addr)).all()
    finally:
        for scheduler in schedulers:
            scheduler.terminate()
    duplicated = sum(n - 1 for _, n in per_chair if n > 1) + sum(n - 1 for _, n in digests if n > 1)
    chairs = {f"chair{n}@shops.example" for n in range(count)}
    figures(partnerships=count, reminders=sum(n for _, n in per_chair), chairs_reminded=len(per_chair),
            digests=sum(n for _, n in digests), duplicated=duplicated, lost=count - len(per_chair))
    # Then every chair has exactly one reminder, and (their renewal being due) exactly one digest
    assert len(per_chair) == count and duplicated == 0
    assert chairs <= {address for address, _ in digests}
