"""End to end over SMTP: an officer's alert is previewed, SENT to exactly the right people, replied to and WITHDRAWN."""
from __future__ import annotations

import re
from email.message import EmailMessage

from sqlalchemy import select

from engine.models import Publication, Report
from engine.services.teams import add_team
from tests.conftest import wait_until
from tests.harness.force import area, officer, partnership
from tests.harness.mail import body_text, messages_to, outbox_messages, reply_message, send
from tests.harness.running import Pep

OFFICER = "pc.okafor@police.example"
CENTRAL = "intel-unit@police.example"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
KEMPTOWN = ["chair@kemptown-pubwatch.example", "m0@kemptown-pubwatch.example", "m1@kemptown-pubwatch.example"]
LANES_CHAIR = "chair@lanes-pubwatch.example"
NOT_REACHED = ["chair@lapsed-pubwatch.example", "m0@lanes-pubwatch.example", "chair@east-shopwatch.example",
               "chair@west-pubwatch.example"]


def build_force(pep: Pep) -> None:
    app = pep.app
    with app.sessions() as session:
        env = app.env
        area(session, env, "Brighton West", "Sussex")
        partnership(session, env, "Kemptown Pubwatch", "pubwatch", "Brighton East", disc=True, authoring=True, members=2)
        partnership(session, env, "Lanes Pubwatch", "pubwatch", "Brighton East", disc=True, members=2)
        partnership(session, env, "Lapsed Pubwatch", "pubwatch", "Brighton East", status="lapsed", isa_current=False)
        partnership(session, env, "East Shopwatch", "shopwatch", "Brighton East")
        partnership(session, env, "West Pubwatch", "pubwatch", "Brighton West")
        officer(session, env, OFFICER, "Brighton East")
        add_team(session, env, "Intelligence Unit", CENTRAL, None, True)
        session.commit()


def draft() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"] = OFFICER, "alerts@pep.test"
    message["Subject"] = "John Smith wanted for burglary"
    message["Message-ID"] = "<draft-1@police.example>"
    message.set_content("Audience: pubwatch\nArea: Brighton East\nCategory: wanted\nReach: members\n"
                        "Expires: 14 days\n\nJohn Smith is wanted on warrant. Do not approach: call 999.\n")
    message.add_attachment(PNG, maintype="image", subtype="png", filename="smith.png")
    return message


def test_alert_reaches_exactly_the_right_people_and_is_withdrawn_from_them(pep: Pep) -> None:
    build_force(pep)
    # Given an officer emails a wanted-person alert for pubwatches in Brighton East, reaching members
    send(pep.port, draft())
    # Then the preview comes back to the officer naming partnerships and counts, with SEND/CANCEL
    preview = wait_until(lambda: messages_to(pep.outbox, OFFICER))[0]
    text = body_text(preview)
    assert "Kemptown Pubwatch" in text and "Lanes Pubwatch" in text and "Lapsed Pubwatch" not in text
    assert "Recipients: 4 people in 2 partnerships" in text and "Reply SEND" in text
    assert not outbox_messages(pep.outbox)[1:], "nothing but the preview is sent before SEND"
    # When the officer replies SEND
    send(pep.port, reply_message(OFFICER, str(preview["Reply-To"]), "Send it, thanks\n\n> preview"))
    # Then exactly the chairs of current pubwatches there, and members only where authoring is agreed, get it
    wait_until(lambda: all(messages_to(pep.outbox, a) for a in KEMPTOWN + [LANES_CHAIR]))
    confirmation = wait_until(lambda: messages_to(pep.outbox, OFFICER)[1:])[0]
    assert all(not messages_to(pep.outbox, a) for a in NOT_REACHED)
    alert = messages_to(pep.outbox, KEMPTOWN[1])[0]
    # And the Subject is neutral, the title inside, the expiry and handling stated, the photo inline
    assert alert["Subject"] == "Wanted person alert: Brighton East"
    assert "John Smith wanted for burglary" in body_text(alert) and "EXPIRES" in body_text(alert)
    html = alert.get_body(preferencelist=("html",)).get_content()
    inline = [p for p in alert.walk() if p.get_content_type() == "image/png"]
    assert len(inline) == 1 and inline[0]["Content-ID"].strip("<>") in html
    assert "FOR ONWARD SHARING" in body_text(messages_to(pep.outbox, LANES_CHAIR)[0])
    assert "FOR ONWARD SHARING" not in body_text(alert)
    # When a member replies to the alert
    send(pep.port, reply_message(KEMPTOWN[1], str(alert["Reply-To"]), "He was in the bar at 9pm tonight."))
    # Then it is kept as intel linked to the alert, acknowledged, and routed to the author and the central team
    ack = wait_until(lambda: messages_to(pep.outbox, KEMPTOWN[1])[1:])[0]
    ref = re.search(r"PEP-2026-\d{6}", body_text(ack)).group(0)
    wait_until(lambda: messages_to(pep.outbox, CENTRAL))
    assert ref in str(messages_to(pep.outbox, CENTRAL)[0]["Subject"])
    assert wait_until(lambda: [m for m in messages_to(pep.outbox, OFFICER) if ref in str(m["Subject"])])
    with pep.app.sessions() as session:
        report = session.scalar(select(Report).where(Report.ref == ref))
        publication = session.scalar(select(Publication))
        assert report.kind == "intel" and report.publication_id == publication.id
    # When the officer replies WITHDRAW to the confirmation
    send(pep.port, reply_message(OFFICER, str(confirmation["Reply-To"]), "WITHDRAW: he has been arrested"))
    # Then exactly the earlier recipients get a withdrawal notice, and nobody else
    wait_until(lambda: len([m for m in outbox_messages(pep.outbox)
                            if str(m["Subject"]).startswith("Withdrawn:")]) == 4)
    notices = [m for m in outbox_messages(pep.outbox) if str(m["Subject"]).startswith("Withdrawn:")]
    assert sorted(str(m["To"]).split("<")[-1].strip(">") for m in notices) == sorted(KEMPTOWN + [LANES_CHAIR])
    assert "he has been arrested" in body_text(notices[0])
    with pep.app.sessions() as session:
        assert session.scalar(select(Publication.status)) == "withdrawn"
