"""A digest as people get it: HTML with the chart inline, a text table in the plain part; a reply to it is
answered with where reports go, and is not kept as a report."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from engine.models import Report
from engine.digest.build import queue_digests
from tests.conftest import wait_until
from tests.digest.world import build, publish
from tests.harness.mail import body_text, messages_to, reply_message, send
from tests.harness.running import Pep

MEMBER = "m0@east-pubwatch.example"


def test_digest_arrives_with_its_chart_and_a_reply_points_to_incident_and_intel(pep: Pep) -> None:
    # Given a member with a current news item
    with pep.app.sessions() as session:
        world = build(session, pep.app.env)
        publish(session, pep.app.env, world.officer, "news", "Christmas opening hours", "info", [world.east_member],
                published_ago=timedelta(hours=2))
        # When the digest is sent to them now
        assert queue_digests(session, pep.app.env, None, MEMBER) == 1
        session.commit()
    [digest] = wait_until(lambda: messages_to(pep.outbox, MEMBER))
    # Then it lists the news, has the chart as an inline PNG the HTML shows, and a text table
    assert "Christmas opening hours" in body_text(digest)
    images = [part for part in digest.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"].strip("<>") == "chart.digest"
    html = next(p for p in digest.walk() if p.get_content_type() == "text/html").get_content()
    assert "cid:chart.digest" in html
    assert "Week starting" in body_text(digest)
    # When the member replies to the digest
    send(pep.port, reply_message(MEMBER, str(digest["Reply-To"]), "Someone is shoplifting at the Co-op\n"))
    # Then they are told to use incident@ and intel@, and no report is made
    answer = wait_until(lambda: messages_to(pep.outbox, MEMBER)[1:])[0]
    assert "incident@" in body_text(answer) and "intel@" in body_text(answer)
    with pep.app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 0
