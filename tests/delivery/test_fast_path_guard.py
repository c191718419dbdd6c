"""A template that uses a personal value in a way the fast path cannot see is still sent correctly."""
from __future__ import annotations

import email
from email import policy
from pathlib import Path

from engine.app import App, build_app
from engine.clock import FixedClock
from outbound.batch import PlanCache, send_batch
from tests.harness.kinds import kinds_folder
from tests.support.smtp_sink import SmtpSink

from .conftest import add_people, broadcast_to


def test_a_plan_that_differs_from_the_slow_path_is_dropped(sink_app: App, smtp_sink: SmtpSink, clock: FixedClock,
                                                           tmp_path: Path) -> None:
    # Given a kind that greets people by the first four letters of their name (invisible to the plan's markers)
    folder = kinds_folder(tmp_path / "sliced")
    text = (folder / "member.notice.txt").read_text()
    (folder / "member.notice.txt").write_text(text.replace("Dear {{ recipient_name }}",
                                                            "Dear {{ recipient_name[:4] }}"))
    app = build_app(sink_app.settings.with_changes(templates_dir=str(folder)), clock)
    try:
        broadcast = broadcast_to(app, add_people(app, ["Annabel Smith", "Bob Jones"]))
        # When the broadcast is sent
        send_batch(app, PlanCache(), broadcast)
    finally:
        app.close()
    # Then each person got the greeting the template means, not the plan's
    bodies = {m.recipients[0]: email.message_from_bytes(m.data, policy=policy.default).get_body(("plain",))
              .get_content() for m in smtp_sink.wait_for_messages(2)}
    assert "Dear Anna," in bodies["annabel@shop.example"]
    assert "Dear Bob ," in bodies["bob@shop.example"]
