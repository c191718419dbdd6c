"""Thin actors: each takes a row id and calls the use case that claims and works that row."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dramatiq

if TYPE_CHECKING:
    from engine.app import App

BROADCAST_QUEUE = "outbound_batch"


def declare_actors(broker: dramatiq.Broker, app: "App") -> dict[str, dramatiq.Actor[Any, Any]]:
    """One actor per queue, bound to `broker`; the queue name is the only thing callers know."""
    from inbound.process import process_inbound
    from outbound.batch import PlanCache, send_batch
    from outbound.deliver import deliver, deliver_kept

    plans = PlanCache()

    def process_inbound_message(row_id: int) -> None:
        deliver_kept(app, process_inbound(app, row_id))

    def send_delivery(row_id: int) -> None:
        deliver(app, row_id)

    def send_broadcast_batch(broadcast_id: int) -> None:
        # A full batch means more may be waiting: keep this stream going. Claims make a
        # repeated or duplicated message harmless.
        if send_batch(app, plans, broadcast_id) >= app.settings.delivery_batch_size:
            app.enqueue(BROADCAST_QUEUE, broadcast_id)

    return {
        "inbound": dramatiq.actor(process_inbound_message, broker=broker, queue_name="inbound",
                                  actor_name="process_inbound_message"),
        "outbound": dramatiq.actor(send_delivery, broker=broker, queue_name="outbound",
                                   actor_name="send_delivery"),
        BROADCAST_QUEUE: dramatiq.actor(send_broadcast_batch, broker=broker, queue_name=BROADCAST_QUEUE,
                                        actor_name="send_broadcast_batch"),
    }
