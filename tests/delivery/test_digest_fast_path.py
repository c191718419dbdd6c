"""Digests go out on the composed-once path, each exactly the message the slow path builds for its reader."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.app import App
from engine.digest.build import KIND, queue_digests
from engine.models import Broadcast, Delivery, Partnership
from outbound import deliver as single
from outbound.batch import PlanCache, send_batch
from tests.digest.world import build, publish, report
from tests.support.smtp_sink import SmtpSink


def test_each_digest_sent_on_the_fast_path_is_the_slow_paths_message(sink_app: App, smtp_sink: SmtpSink) -> None:
    app = sink_app
    # Given readers with different content: a chair, members with an alert, news or an event, a police admin
    with app.sessions() as session:
        world = build(session, app.env)
        env, now = app.env, app.clock.now()
        publish(session, env, world.officer, "alert", "Wanted: burglary suspect", "wanted",
                [world.east_member, world.east_chair, world.west_member])
        publish(session, env, world.officer, "news", "Christmas opening hours — Zoë's café", "info",
                [world.east_member], published_ago=timedelta(hours=3))
        publish(session, env, world.officer, "event", "Pubwatch meeting", "info", [world.west_member, world.officer],
                starts_in=timedelta(days=3))
        east = session.scalar(select(Partnership.id).where(Partnership.name == "East Pubwatch"))
        for n in range(9):
            report(session, world.east_member, east, now - timedelta(days=n * 5), n)
        queued = queue_digests(session, env, "2026-11-30")
        session.commit()
        broadcasts = session.scalars(select(Broadcast.id).where(Broadcast.kind == KIND)).all()
    assert queued >= 4
    # When every digest broadcast is sent in batches
    plans = PlanCache()
    for broadcast_id in broadcasts:
        send_batch(app, plans, broadcast_id)
    received = {m.recipients[0]: m.data for m in smtp_sink.wait_for_messages(queued)}
    # Then each was sent, and its bytes are those the slow path builds for that delivery now (same clock)
    with app.sessions() as session:
        sent = session.scalars(select(Delivery).where(Delivery.kind == KIND)).all()
        assert {d.status for d in sent} == {"sent"}
        for delivery in sent:
            expected, envelope_from = single._build(app, session, delivery)
            assert received[delivery.to_addr] == expected, delivery.to_addr
            session.rollback()
        # And they were made by the broadcasts' composed-once plans, trusted once one of their shape matched the slow path
        for broadcast_id in broadcasts:
            plan = plans.unique(app, session, session.get(Broadcast, broadcast_id))
            assert plan is not None and plans.trusted(plan)
    texts = b"".join(received.values())
    assert b"Christmas opening hours" in texts and b"Pubwatch meeting" in texts
