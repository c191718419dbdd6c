"""A running PEP (intake, workers, sweeper) on an ephemeral port, with a demo area tree."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.app import App, build_app
from engine.clock import Clock, SystemClock
from engine.runtime import Runtime
from engine.seed import seed_defaults
from engine.services.areas import add_area
from engine.settings import Settings


@dataclass
class Pep:
    app: App
    runtime: Runtime

    @property
    def port(self) -> int:
        assert self.runtime.intake is not None
        return self.runtime.intake.port

    @property
    def outbox(self) -> Path:
        return Path(self.app.settings.outbound.removeprefix("maildir:"))

    def stop(self) -> None:
        self.runtime.stop()
        self.app.close()


def start_pep(settings: Settings, clock: Clock | None = None) -> Pep:
    app = build_app(settings, clock or SystemClock())
    with app.sessions() as session:
        seed_defaults(session, app.env)
        add_area(session, app.env, "Sussex")
        add_area(session, app.env, "Brighton East", "Sussex")
        session.commit()
    return Pep(app, Runtime(app).start())
