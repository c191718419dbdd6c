"""End to end over SMTP: a member's report is acknowledged, routed with its photo, answered both ways and closed."""
from __future__ import annotations

import io
import re
from email.message import EmailMessage

import pytest
from PIL import Image
from sqlalchemy import select

from engine.models import AuditEvent, InboundMessage, Report, ReportTurn, StoredFile
from engine.services.teams import add_team
from engine.settings import Settings
from tests.conftest import wait_until
from tests.harness.force import area, officer, partnership
from tests.harness.mail import body_text, messages_to, reply_message, send
from tests.harness.running import Pep

MEMBER = "m0@kemptown-pubwatch.example"
OTHER_MEMBER = "m1@kemptown-pubwatch.example"
LAPSED_MEMBER = "m0@lapsed-pubwatch.example"
NEIGHBOURHOOD = "east-snt@police.example"
CENTRAL = "intel-unit@police.example"
WEST = "west-snt@police.example"
OFFICER = "pc.okafor@police.example"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A smaller file limit, so that an oversized file fits within the SMTP message limit."""
    return settings.with_changes(report_max_file_bytes=1_000_000)


def jpeg(width: int = 640, height: int = 480) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def build_force(pep: Pep) -> None:
    with pep.app.sessions() as session:
        env = pep.app.env
        area(session, env, "Brighton West", "Sussex")
        partnership(session, env, "Kemptown Pubwatch", "pubwatch", "Brighton East", members=2)
        partnership(session, env, "Lapsed Pubwatch", "pubwatch", "Brighton East", status="lapsed", isa_current=False,
                    members=1)
        officer(session, env, OFFICER, "Brighton East")
        from engine.services.areas import find_area
        add_team(session, env, "Brighton East Neighbourhood Team", NEIGHBOURHOOD, find_area(session, "Brighton East"),
                 False)
        add_team(session, env, "Brighton West Neighbourhood Team", WEST, find_area(session, "Brighton West"), False)
        add_team(session, env, "Intelligence Unit", CENTRAL, None, True)
        session.commit()


def report_mail(sender: str, to: str, text: str, files: list[tuple[bytes, str, str, str]] = ()) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, "Incident at the bar"
    message.set_content(text)
    for data, maintype, subtype, name in files:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def ref_in(message: EmailMessage) -> str:
    found = re.search(r"PEP-\d{4}-\d{6}", str(message["Subject"]) + body_text(message))
    assert found, "no reference"
    return found.group(0)


def test_report_with_photo_is_acknowledged_routed_answered_both_ways_and_closed(pep: Pep) -> None:
    build_force(pep)
    photo = jpeg()
    # Given a member emails incident@ with When/Where/Who lines and a photo
    send(pep.port, report_mail(MEMBER, "incident@pep.test",
                               "When: today 3pm\nWhere: Brighton East, outside the Kings Arms\nWho: tall man, red coat\n\n"
                               "He threatened the cashier and left towards the station.\n",
                               [(photo, "image", "jpeg", "cctv.jpg")]))
    # Then the acknowledgement names the reference, what was understood and where it went, and asks nothing
    ack = wait_until(lambda: messages_to(pep.outbox, MEMBER))[0]
    ref = ref_in(ack)
    text = body_text(ack)
    assert "Brighton East Neighbourhood Team" in text and "outside the Kings Arms" in text
    assert "tall man, red coat" in text and "15:00" in text and "ONE QUESTION" not in text
    # And the neighbourhood team gets one message: the summary first, then the reporter's words, and the photo
    police = wait_until(lambda: messages_to(pep.outbox, NEIGHBOURHOOD))[0]
    police_text = body_text(police)
    assert ref in str(police["Subject"])
    assert police_text.index("Reference:") < police_text.index("IN THE REPORTER'S WORDS") < police_text.index(
        "He threatened the cashier")
    photos = [p for p in police.walk() if p.get_content_type() == "image/jpeg"]
    assert len(photos) == 1 and photos[0].get_content() == photo
    assert "640x480" in police_text
    assert not messages_to(pep.outbox, CENTRAL) and not messages_to(pep.outbox, WEST)
    with pep.app.sessions() as session:
        stored = session.scalar(select(StoredFile).where(StoredFile.report_id.is_not(None)))
        assert (stored.content_type, stored.width, stored.height) == ("image/jpeg", 640, 480)
    # When the team replies from its mailbox
    send(pep.port, reply_message(NEIGHBOURHOOD, str(police["Reply-To"]),
                                 "Thank you. An officer will visit at 6; please keep the CCTV."))
    # Then the reporter gets the words from PEP, naming the team and not its address
    relayed = wait_until(lambda: messages_to(pep.outbox, MEMBER)[1:])[0]
    assert "Brighton East Neighbourhood Team" in body_text(relayed) and "keep the CCTV" in body_text(relayed)
    assert NEIGHBOURHOOD not in relayed.as_string()
    # When the member replies to that
    send(pep.port, reply_message(MEMBER, str(relayed["Reply-To"]), "Thanks, he came back at 5 as well."))
    # Then the team gets the member's words under the same reference
    back = wait_until(lambda: messages_to(pep.outbox, NEIGHBOURHOOD)[1:])[0]
    assert ref in str(back["Subject"]) and "he came back at 5" in body_text(back)
    # When the team replies CLOSED
    send(pep.port, reply_message(NEIGHBOURHOOD, str(back["Reply-To"]), "CLOSED\nNo further action needed."))
    # Then the reporter is told it is closed, and every turn is on the report and audited
    closed = wait_until(lambda: messages_to(pep.outbox, MEMBER)[2:])[0]
    assert "closed" in body_text(closed).lower() and "No further action" in body_text(closed)
    with pep.app.sessions() as session:
        report = session.scalar(select(Report).where(Report.ref == ref))
        assert report.status == "closed" and report.kind == "incident"
        turns = list(session.scalars(select(ReportTurn).where(ReportTurn.report_id == report.id)
                                     .order_by(ReportTurn.id)))
        assert [(t.side, t.action) for t in turns] == [("reporter", "report"), ("team", "message"),
                                                        ("reporter", "message"), ("team", "closed")]
        actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.object_kind == "report",
                                                                      AuditEvent.object_id == report.id)))
        assert {"report.received", "report.message", "report.closed"} <= actions
    # When the member replies to the closed report
    send(pep.port, reply_message(MEMBER, str(relayed["Reply-To"]), "One more thing"))
    # Then they are told it is closed, and nothing reaches the team
    refusal = wait_until(lambda: messages_to(pep.outbox, MEMBER)[3:])[0]
    assert "closed" in body_text(refusal)
    assert len(messages_to(pep.outbox, NEIGHBOURHOOD)) == 2


def test_intel_with_a_weapon_reaches_both_teams_and_is_regraded_by_an_officer(pep: Pep) -> None:
    build_force(pep)
    # Given a member of a lapsed partnership sends intel mentioning a knife, with no time or place
    send(pep.port, report_mail(LAPSED_MEMBER, "intel@pep.test", "A regular says his brother carries a knife."))
    ack = wait_until(lambda: messages_to(pep.outbox, LAPSED_MEMBER))[0]
    ref = ref_in(ack)
    # Then the acknowledgement asks when and where, says it went to police, and that the ISA must be re-confirmed
    assert "When and where did this happen?" in body_text(ack) and "re-confirm" in body_text(ack)
    central = wait_until(lambda: messages_to(pep.outbox, CENTRAL))[0]
    assert "2B P" in body_text(central) and "LAPSED" in body_text(central)
    # When an officer answers from their own address with GRADE 3C C
    send(pep.port, reply_message(OFFICER, str(central["Reply-To"]), "GRADE 3C C"))
    # Then the report is regraded and the officer told; the reporter hears nothing of it
    wait_until(lambda: messages_to(pep.outbox, OFFICER))
    with pep.app.sessions() as session:
        report = session.scalar(select(Report).where(Report.ref == ref))
        assert (report.source_grade, report.intel_grade, report.handling_code) == ("3", "C", "C")
        assert report.isa_lapsed and report.when_source == "received" and report.awaiting == "when,where"
    # When the reporter answers the question
    send(pep.port, reply_message(LAPSED_MEMBER, str(ack["Reply-To"]), "When: yesterday 10pm\nWhere: Brighton East"))
    # Then the report is completed (not a new one) and the police copy updated
    updated = wait_until(lambda: [m for m in messages_to(pep.outbox, CENTRAL) if "(updated)" in str(m["Subject"])])[0]
    assert ref in str(updated["Subject"]) and "22:00" in body_text(updated)
    with pep.app.sessions() as session:
        assert session.scalar(select(Report.awaiting).where(Report.ref == ref)) == ""
        assert len(list(session.scalars(select(Report.id)))) == 1


def _answers(pep: Pep, address: str) -> list[str]:
    return [body_text(m) for m in messages_to(pep.outbox, address)]


def test_bad_reports_get_a_clear_answer_and_keep_the_original(pep: Pep) -> None:
    build_force(pep)
    exe = b"MZ\x90\x00" + b"\x00" * 200
    cases = [  # (sender, message, words the answer must contain)
        (MEMBER, report_mail(MEMBER, "incident@pep.test", ""), "no text and no attachments"),
        (OTHER_MEMBER, report_mail(OTHER_MEMBER, "incident@pep.test", "Kind regards,\nPriya"), "only a signature"),
        ("chair@kemptown-pubwatch.example", report_mail("chair@kemptown-pubwatch.example", "incident@pep.test",
                                                         "See attached", [(exe, "application", "octet-stream",
                                                                           "invoice.pdf")]), "is a program"),
        (OFFICER, report_mail(OFFICER, "incident@pep.test", "A test report"), "members and chairs"),
        ("stranger@elsewhere.example", report_mail("stranger@elsewhere.example", "incident@pep.test", "A fight"),
         "not registered"),
        (LAPSED_MEMBER, report_mail(LAPSED_MEMBER, "incident@pep.test", "CCTV attached",
                                    [(b"\xff\xd8\xff" + b"\x00" * 1_500_000, "image", "jpeg", "huge.jpg")]),
         "at most 1.0 MB"),
    ]
    # Given each bad report is sent
    for _sender, message, _words in cases:
        send(pep.port, message)
    # Then each sender gets an answer naming the problem, and no report is kept
    for sender, _message, words in cases:
        assert words in wait_until(lambda s=sender: _answers(pep, s))[0]
    with pep.app.sessions() as session:
        assert session.scalar(select(Report.id)) is None
        assert all(row.raw for row in session.scalars(select(InboundMessage)))


def test_a_report_reply_token_from_another_person_is_refused(pep: Pep) -> None:
    build_force(pep)
    # Given a member's report and its acknowledgement
    send(pep.port, report_mail(MEMBER, "incident@pep.test", "When: today 2pm\nWhere: Brighton East\n\nShoplifting."))
    ack = wait_until(lambda: messages_to(pep.outbox, MEMBER))[0]
    wait_until(lambda: messages_to(pep.outbox, NEIGHBOURHOOD))
    # When another member replies to that acknowledgement's address
    send(pep.port, reply_message(OTHER_MEMBER, str(ack["Reply-To"]), "I saw it too"))
    # Then they are told to reply from the address it was sent to, and the team hears nothing
    assert "different address" in wait_until(lambda: _answers(pep, OTHER_MEMBER))[0]
    assert len(messages_to(pep.outbox, NEIGHBOURHOOD)) == 1
