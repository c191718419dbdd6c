"""`pep serve` runs the scheduler: its loop ticks by itself, and a reminder is still sent once."""
from __future__ import annotations

from datetime import datetime, timezone

from engine.app import App, build_app
from engine.clock import FixedClock
from engine.runtime import Runtime
from engine.settings import Settings
from tests.conftest import wait_until
from tests.lifecycle.force import CHAIR, confirm_by_token, invite_partnership, queued, small_force


def test_the_runtime_scheduler_sends_a_due_reminder_without_being_asked(app: App, clock: FixedClock,
                                                                        settings: Settings) -> None:
    # Given a partnership whose 14-day reminder is due, and a runtime with only the scheduler, ticking every second
    small_force(app)
    invite_partnership(app)
    confirm_by_token(app, CHAIR)
    clock.set(datetime(2027, 11, 13, 9, 30, tzinfo=timezone.utc))
    served = build_app(settings.with_changes(scheduler_seconds=1), clock)
    runtime = Runtime(served, intake=False, workers=False, sweeper=False, scheduler=True).start()
    try:
        # When it has run for a few ticks
        wait_until(lambda: queued(app, "chair.isa.reminder"))
        clock.set(datetime(2027, 11, 13, 9, 31, tzinfo=timezone.utc))
        assert runtime.scheduler is not None
        wait_until(lambda: runtime.scheduler is not None and runtime.scheduler.ticks >= 3)
    finally:
        runtime.stop()
        served.close()
    # Then the reminder was queued once, however many ticks ran
    assert len(queued(app, "chair.isa.reminder", CHAIR)) == 1
