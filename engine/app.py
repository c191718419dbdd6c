"""The application: settings, clock, database, queue, renderer and transport, wired once per process."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import dramatiq
from sqlalchemy import Engine

from engine.clock import Clock, SystemClock
from engine.db import SessionFactory, make_engine, make_session_factory
from engine.env import Env
from engine.queue.broker import make_broker
from engine.queue.recent import RecentlyEnqueued
from engine.queue.wakeups import install_wakeups
from engine.secret import load_secret
from engine.settings import Settings
from engine.tokens import TokenSigner

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@dataclass
class App:
    """Everything a worker, the intake or a CLI command needs, passed explicitly."""

    settings: Settings
    clock: Clock
    env: Env
    db: Engine
    sessions: SessionFactory
    broker: dramatiq.Broker
    actors: dict[str, dramatiq.Actor[Any, Any]] = field(default_factory=dict)
    recent: RecentlyEnqueued = field(default_factory=lambda: RecentlyEnqueued(60))
    _renderer: Any = None
    _transport: Any = None
    _dkim: Any = None

    @property
    def claim_timeout(self) -> timedelta:
        return timedelta(seconds=self.settings.claim_timeout_seconds)

    def enqueue(self, queue: str, row_id: int, delay_ms: int = 0) -> None:
        """Wake a worker for a row, now or after `delay_ms`; queues are known only by name."""
        self.recent.add(queue, row_id, delay_ms / 1000)
        if delay_ms > 0:
            self.actors[queue].send_with_options(args=(row_id,), delay=delay_ms)
        else:
            self.actors[queue].send(row_id)

    @staticmethod
    def templates_dir_default() -> Path:
        """The templates shipped with PEP."""
        return TEMPLATES_DIR

    @property
    def renderer(self) -> Any:
        if self._renderer is None:
            from outbound.branding import Branding
            from outbound.render import Renderer
            folder = Path(self.settings.templates_dir) if self.settings.templates_dir else TEMPLATES_DIR
            self._renderer = Renderer(folder, Branding(force_name=self.settings.force_name,
                                                       domain=self.settings.domain))
        return self._renderer

    @property
    def transport(self) -> Any:
        if self._transport is None:
            from outbound.transport.factory import transport_from_url
            from outbound.transport.ratelimit import RateLimits
            limits = RateLimits(self.settings.outbound_rate_per_second or None,
                                self.settings.outbound_domain_rate_per_minute or None)
            self._transport = transport_from_url(
                self.settings.outbound, helo=self.settings.domain, connections=self.settings.outbound_connections,
                rate_limit=limits if limits.global_per_second or limits.per_domain_per_minute else None)
        return self._transport

    @property
    def dkim(self) -> Any:
        """The DKIM signer when PEP_DKIM_KEY_FILE is set, else None (no signing)."""
        if self._dkim is None and self.settings.dkim_key_file:
            from engine.errors import InvalidInput
            from outbound.dkim_sign import DkimError, DkimSigner
            try:
                key = Path(self.settings.dkim_key_file).read_bytes()
                self._dkim = DkimSigner(self.settings.dkim_selector, self.settings.domain, key)
            except (OSError, DkimError) as error:
                raise InvalidInput(f"PEP_DKIM_KEY_FILE {self.settings.dkim_key_file!r}: {error}") from None
        return self._dkim

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
        self.db.dispose()


def build_app(settings: Settings, clock: Clock | None = None, transport: Any = None) -> App:
    """Wire an App; the broker is made and its actors declared here, before anything can enqueue."""
    from engine.queue.actors import declare_actors

    clock = clock or SystemClock()
    env = Env(settings=settings, clock=clock, signer=TokenSigner(load_secret(settings)))
    db = make_engine(settings.database_url)
    sessions = make_session_factory(db)
    broker = make_broker(settings)
    dramatiq.set_broker(broker)
    app = App(settings=settings, clock=clock, env=env, db=db, sessions=sessions, broker=broker,
              recent=RecentlyEnqueued(settings.requeue_after_seconds), _transport=transport)
    app.actors = declare_actors(broker, app)
    install_wakeups(sessions, app.enqueue)
    return app
