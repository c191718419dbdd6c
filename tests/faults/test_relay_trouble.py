"""The relay answers 421 and 451 for a while, then recovers; it refuses one address with 550: deliveries
retry with back-off and all arrive, the refused one fails and counts as a bounce, the rest go."""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import select

from engine.models import BounceEvent, Delivery
from tests.faults.conftest import app_of, scaled
from tests.faults.fanout import delivery_counts, people_and_broadcast
from tests.faults.processes import PepProcess, settle
from tests.support.smtp_sink import SmtpSink

REFUSED = "member7@shops.example"


def test_relay_trouble_is_retried_and_a_refusal_is_a_bounce(stack: dict[str, Any],
                                                            figures: Callable[..., None]) -> None:
    # Given a relay that will answer 421 then 451 to the first MAIL commands, and refuses one address
    recipients = scaled(1_000, 100)
    with SmtpSink() as sink:
        sink.answer_next("MAIL", 421, times=3)
        sink.answer_next("MAIL", 451, times=20)
        sink.refuse_recipient(REFUSED, 550)
        env = stack["env"] | {"PEP_OUTBOUND": f"smtp+plain://127.0.0.1:{sink.port}", "PEP_RETRY_BASE_SECONDS": "1"}
        worker = PepProcess("worker", env, stack["logs"])
        app = app_of(stack)
        broadcast = people_and_broadcast(app, recipients)
        try:
            # When the worker sends the fan-out through it
            worker.start()
            finished = settle(lambda: sum(delivery_counts(app, broadcast).get(s, 0) for s in ("sent", "failed"))
                              == recipients, 600)
        finally:
            worker.terminate()
        counts = delivery_counts(app, broadcast)
        arrived = [m for m in sink.messages if REFUSED not in m.recipients]
    with app.sessions() as session:
        retried = session.scalar(select(Delivery.id).where(Delivery.broadcast_id == broadcast,
                                                           Delivery.attempts > 1).limit(1))
        bounces = list(session.scalars(select(BounceEvent).where(BounceEvent.address == REFUSED)))
    figures(recipients=recipients, delivered=len({m.data for m in arrived}), rows=counts,
            lost=recipients - 1 - len(arrived), duplicated=len(arrived) - len({m.data for m in arrived}))
    # Then every other recipient's message arrived once, some after retries, and the refusal is a hard bounce
    assert finished, worker.logs()
    assert counts == {"sent": recipients - 1, "failed": 1}
    assert len(arrived) == recipients - 1 and retried is not None
    assert len(bounces) == 1 and bounces[0].hard
