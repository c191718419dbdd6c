"""`pep bounce list|reset`: the evidence per address as JSON, and a reset that lifts the suppression."""
from __future__ import annotations

import json

from engine.app import build_app
from engine.clock import SystemClock
from engine.services.bounces import record_bounce
from engine.services.people import find_person
from engine.settings import Settings

ADDRESS = "member@kemptown.example"


def test_list_shows_the_evidence_and_reset_lifts_the_suppression(cli, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    # Given a registered person whose address bounced three times, once for policy reasons
    assert cli("person", "add", ADDRESS, "--name", "Mo Member", "--role", "admin")[0] == 0
    app = build_app(settings, SystemClock())
    with app.sessions() as session:
        for hard, policy in ((True, False), (True, True), (True, False), (False, False), (True, False)):
            record_bounce(session, app.env, ADDRESS, hard=hard, policy=policy, status="5.1.1",
                          diagnostic="550 5.1.1 User unknown")
        session.commit()
    # When the evidence is listed for that address
    code, out, err = cli("bounce", "list", "--address", ADDRESS.upper(), "--json")
    rows = json.loads(out)
    # Then every report is there, newest first, the policy one not counted, with the score on stderr
    assert code == 0 and [r["kind"] for r in rows] == ["hard", "soft", "hard", "policy", "hard"]
    assert [r["counted"] for r in rows] == [True, True, True, False, True]
    assert "score 3.5 of 3" in err
    # When the operator resets it
    code, out, _ = cli("bounce", "reset", ADDRESS)
    # Then it is no longer suppressed, the evidence is kept but no longer counts
    assert code == 0 and "5 bounce(s) cleared" in out and "no longer suppressed" in out
    assert not any(r["counted"] for r in json.loads(cli("bounce", "list", "--json")[1]))
    with app.sessions() as session:
        assert find_person(session, ADDRESS).suppressed_at is None  # type: ignore[union-attr]
    app.close()
    # And resetting an address with nothing recorded says so
    assert cli("bounce", "reset", "nobody@example.org")[1].strip() == "nobody@example.org: 0 bounce(s) cleared"
