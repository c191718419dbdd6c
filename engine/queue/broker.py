"""The dramatiq broker, made once per process from settings: Redis, or in-process when unset."""
from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AgeLimit, Callbacks, Pipelines, ShutdownNotifications, TimeLimit

from engine.settings import Settings


def make_broker(settings: Settings) -> dramatiq.Broker:
    """Redis-backed when PEP_BROKER_URL is set; otherwise an in-process queue needing nothing installed.

    No Retries middleware: a failed unit of work is retried from its database row (with back-off and
    a final parking), never by redelivering the queue message.
    """
    middleware = [AgeLimit(), TimeLimit(time_limit=15 * 60 * 1000), ShutdownNotifications(), Callbacks(),
                  Pipelines()]
    if settings.broker_url:
        return RedisBroker(url=settings.broker_url, namespace=settings.queue_namespace, middleware=middleware)
    return StubBroker(middleware=middleware)
