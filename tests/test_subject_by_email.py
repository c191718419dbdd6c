"""A chair records a subject by emailing a SUBJECT block with a photo to admin@; it takes effect on CONFIRM."""
from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import select

from engine.models import StoredFile, Subject
from tests.conftest import wait_until
from tests.harness.mail import body_text, messages_to, reply_message, send
from tests.harness.running import Pep
from tests.lifecycle.force import CHAIR, confirm_by_token, invite_partnership

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_subject_block_with_a_photo_is_recorded_after_confirm(pep: Pep) -> None:
    # Given the chair of an active partnership whose members are registered
    invite_partnership(pep.app, disc=True)
    confirm_by_token(pep.app, CHAIR)
    wait_until(lambda: len(messages_to(pep.outbox, CHAIR)) >= 2)
    seen = len(messages_to(pep.outbox, CHAIR))
    # When the chair emails admin@ a SUBJECT block with a photo
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = CHAIR, "admin@pep.test", "New subject"
    message["Message-ID"] = "<subject-1@kemptown.example>"
    message.set_content("Hi,\n\nSUBJECT\nName: Dean Carter\nBorn: 1990-05-04\nAliases: Deano; D Carter\n"
                        "Description: tall, grey hoodie\n\nThanks\n")
    message.add_attachment(PNG, maintype="image", subtype="png", filename="dean.png")
    send(pep.port, message)
    summary = wait_until(lambda: messages_to(pep.outbox, CHAIR)[seen:])[0]
    # Then nothing is recorded until the registered address confirms
    assert "SUBJECT" in body_text(summary) and "Dean Carter" in body_text(summary)
    with pep.app.sessions() as session:
        assert session.scalars(select(Subject)).all() == []
    send(pep.port, reply_message(CHAIR, str(summary["Reply-To"]), "CONFIRM"))
    outcome = wait_until(lambda: messages_to(pep.outbox, CHAIR)[seen + 1:])[0]
    # And after CONFIRM the subject is recorded with its aliases and the photo, and the answer says so
    assert "Dean Carter recorded" in body_text(outcome) and "with 1 photo" in body_text(outcome)
    with pep.app.sessions() as session:
        dean = session.scalars(select(Subject)).one()
        assert dean.aliases == ["Deano", "D Carter"] and dean.date_of_birth.isoformat() == "1990-05-04"
        files = session.scalars(select(StoredFile)).all()
    assert [(f.filename, f.subject_id) for f in files] == [("dean.png", dean.id)]
