"""`kill -9` of the worker in the middle of a fan-out: after a restart every recipient has exactly one
delivery marked sent; duplicates at the relay are bounded by what was in flight, and counted."""
from __future__ import annotations

import time
from collections import Counter
from typing import Any, Callable

from tests.faults.conftest import app_of, scaled
from tests.faults.fanout import delivery_counts, people_and_broadcast
from tests.faults.processes import PepProcess, SmtpSinkProcess, settle


def test_worker_killed_mid_fanout_sends_everything_with_bounded_duplicates(stack: dict[str, Any],
                                                                          figures: Callable[..., None]) -> None:
    # Given a discarding relay that keeps a copy of each message, and a fan-out to many recipients
    recipients = scaled(10_000, 500)
    sink = SmtpSinkProcess()
    sink.start()
    env = stack["env"] | {"PEP_OUTBOUND": f"smtp+plain://127.0.0.1:{sink.port}"}
    worker = PepProcess("worker", env, stack["logs"])
    app = app_of(stack)
    broadcast = people_and_broadcast(app, recipients)
    try:
        worker.start()
        # When the worker is killed with SIGKILL a third of the way through
        settle(lambda: delivery_counts(app, broadcast).get("sent", 0) >= recipients // 3, 600, 0.02)
        worker.kill()
        in_flight = delivery_counts(app, broadcast).get("sending", 0)
        time.sleep(0.5)
        # And restarted
        worker.start()
        done = settle(lambda: delivery_counts(app, broadcast).get("sent", 0) == recipients, 900)
        counts = delivery_counts(app, broadcast)
    finally:
        worker.terminate()
        sink.stop()
    at_sink = Counter(sink.message_ids())
    duplicated = sum(n - 1 for n in at_sink.values() if n > 1)
    figures(recipients=recipients, delivered=len(at_sink), in_flight_at_kill=in_flight,
            duplicated=duplicated, lost=recipients - len(at_sink), rows=counts)
    # Then every delivery row is sent exactly once in the database, nothing is missing at the relay,
    # and the duplicates are no more than the messages in flight at the kill
    assert done, worker.logs()
    assert counts == {"sent": recipients}
    assert len(at_sink) == recipients
    assert duplicated <= in_flight
