"""Time travel: once a partnership's ISA confirmation runs out it lapses, and an alert with personal data
sent after that does not reach it; a partnership that confirmed again does get it."""
from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage


from engine.clock import FixedClock
from engine.scheduler.tick import run_tick
from tests.conftest import wait_until
from tests.harness.force import officer
from tests.harness.mail import body_text, messages_to, reply_message, send
from tests.harness.running import Pep
from tests.lifecycle.force import confirm_by_token, invite_partnership, status

OFFICER = "pc.okafor@police.example"
LAPSING = "chair@kemptown.example"
RENEWED = "chair@hove.example"


def test_an_alert_after_expiry_does_not_reach_the_lapsed_partnership(pep_at_fixed_time: tuple[Pep, FixedClock]) -> None:
    pep, clock = pep_at_fixed_time
    app = pep.app
    # Given two shopwatches whose chairs confirmed the ISA, and an officer for the area
    lapsing = invite_partnership(app, "Kemptown Shopwatch", LAPSING, "Brighton East")
    renewed = invite_partnership(app, "Hove Shopwatch", RENEWED, "Brighton East")
    confirm_by_token(app, LAPSING)
    confirm_by_token(app, RENEWED)
    with app.sessions() as session:
        officer(session, app.env, OFFICER, "Brighton East")
        session.commit()
    # When a year and a day pass, only one chair confirms again, and the scheduler ticks
    clock.advance(timedelta(days=366))
    run_tick(app)
    confirm_by_token(app, RENEWED)
    assert (status(app, lapsing), status(app, renewed)) == ("lapsed", "active")
    # And the officer sends a wanted-person alert to shopwatches in the area
    draft = EmailMessage()
    draft["From"], draft["To"], draft["Subject"] = OFFICER, "alerts@pep.test", "Wanted on warrant"
    draft["Message-ID"] = "<after-lapse@police.example>"
    draft.set_content("Audience: shopwatch\nArea: Brighton East\nCategory: wanted\n\nJane Roe is wanted.\n")
    send(pep.port, draft)
    preview = wait_until(lambda: messages_to(pep.outbox, OFFICER))[0]
    send(pep.port, reply_message(OFFICER, str(preview["Reply-To"]), "SEND"))
    # Then the renewed partnership's chair gets it, and the lapsed one's does not
    alert = wait_until(lambda: [m for m in messages_to(pep.outbox, RENEWED) if "Jane Roe" in body_text(m)])
    assert alert
    wait_until(lambda: len(messages_to(pep.outbox, OFFICER)) >= 2)
    assert not [m for m in messages_to(pep.outbox, LAPSING) if "Jane Roe" in body_text(m)]
