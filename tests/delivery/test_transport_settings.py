"""Rate limits and connection counts from settings reach the SMTP transport."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from engine.app import App, build_app
from engine.clock import FixedClock
from engine.models import Delivery
from outbound.batch import PlanCache, send_batch
from tests.support.smtp_sink import SmtpSink

from .conftest import add_people, broadcast_to


def test_a_per_domain_limit_puts_the_excess_back_for_later(sink_app: App, smtp_sink: SmtpSink,
                                                           clock: FixedClock) -> None:
    # Given PEP limited to one message a minute per recipient domain
    limited = build_app(sink_app.settings.with_changes(outbound_domain_rate_per_minute=1), clock)
    try:
        broadcast = broadcast_to(limited, add_people(limited, ["Ann Smith", "Bob Jones"]))
        # When a broadcast to two people at the same domain is sent
        send_batch(limited, PlanCache(), broadcast)
        with limited.sessions() as session:
            rows = session.scalars(select(Delivery).where(Delivery.broadcast_id == broadcast)
                                   .order_by(Delivery.id)).all()
    finally:
        limited.close()
    # Then one went, and the other waits about a minute, saying why
    assert [r.status for r in rows] == ["sent", "queued"]
    assert "rate limit" in (rows[1].last_error or "")
    assert rows[1].next_attempt_at >= clock.now() + timedelta(seconds=55)
    assert len(smtp_sink.wait_for_messages(1)) == 1


def test_connections_setting_bounds_the_pool_and_the_url_wins(sink_app: App, smtp_sink: SmtpSink,
                                                             clock: FixedClock) -> None:
    # Given the connections setting at 3, and the same with ?connections=1 in the URL
    url = f"smtp+plain://127.0.0.1:{smtp_sink.port}"
    for outbound, most in ((url, 3), (url + "?connections=1", 1)):
        app = build_app(sink_app.settings.with_changes(outbound=outbound, outbound_connections=3), clock)
        before = smtp_sink.connections
        # When eight threads send 40 messages at once
        message = b"From: a@pep.test\r\nTo: b@shop.example\r\nSubject: x\r\n\r\nhello\r\n"
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _n: app.transport.send("a@pep.test", "b@shop.example", message),
                                    range(40)))
        app.close()
        # Then all were accepted over no more connections than allowed
        assert all(r.accepted for r in results)
        assert 1 <= smtp_sink.connections - before <= most
