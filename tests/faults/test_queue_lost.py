"""Redis stopped and restarted with its data lost during a fan-out: nothing is lost, because the
database is the source of truth and the sweeper re-enqueues what is pending."""
from __future__ import annotations

import time
from collections import Counter
from typing import Any, Callable

from tests.faults.conftest import app_of, scaled
from tests.faults.fanout import delivery_counts, people_and_broadcast
from tests.faults.processes import PepProcess, SmtpSinkProcess, settle


def test_redis_lost_mid_fanout_loses_nothing(stack: dict[str, Any], figures: Callable[..., None]) -> None:
    # Given a worker sending a fan-out through a relay
    recipients = scaled(5_000, 500)
    sink = SmtpSinkProcess()
    sink.start()
    env = stack["env"] | {"PEP_OUTBOUND": f"smtp+plain://127.0.0.1:{sink.port}"}
    worker = PepProcess("worker", env, stack["logs"])
    app = app_of(stack)
    broadcast = people_and_broadcast(app, recipients)
    try:
        worker.start()
        # When Redis dies a quarter of the way through (keeping nothing) and comes back two seconds later
        settle(lambda: delivery_counts(app, broadcast).get("sent", 0) >= recipients // 4, 600, 0.02)
        stack["redis"].stop()
        time.sleep(2)
        stack["redis"].start()
        done = settle(lambda: delivery_counts(app, broadcast).get("sent", 0) == recipients, 900)
        counts = delivery_counts(app, broadcast)
    finally:
        worker.terminate()
        sink.stop()
    at_sink = Counter(sink.message_ids())
    figures(recipients=recipients, delivered=len(at_sink), lost=recipients - len(at_sink),
            duplicated=sum(n - 1 for n in at_sink.values() if n > 1), rows=counts)
    # Then every recipient gets the message, and every row is sent
    assert done, worker.logs()
    assert counts == {"sent": recipients} and len(at_sink) == recipients
