"""help@ LIBRARY, SEND DOC n and EVENTS over SMTP: one answer, the document attached."""
from __future__ import annotations

from email.message import EmailMessage

from tests.conftest import wait_until
from tests.engine.test_library import publish
from tests.harness.force import area, officer, partnership
from tests.harness.mail import body_text, messages_to, send
from tests.harness.running import Pep

CHAIR = "chair@east-pubwatch.example"


def test_library_commands_answered_in_one_reply_with_the_document(pep: Pep) -> None:
    # Given a library with a document for East and one for West, and a meeting coming up
    app = pep.app
    with app.sessions() as session:
        area(session, app.env, "East", "Sussex")
        area(session, app.env, "West", "Sussex")
        partnership(session, app.env, "East Pubwatch", "pubwatch", "East")
        partnership(session, app.env, "West Pubwatch", "pubwatch", "West")
        author = officer(session, app.env, "pc@police.example", None, role="admin")
        east = publish(session, author, app.clock, "document", "East guide", areas=["East"], with_file=True).id
        west = publish(session, author, app.clock, "document", "West guide", areas=["West"], with_file=True).id
        publish(session, author, app.clock, "meeting", "Pubwatch meeting", starts_days=5, place="Town Hall")
        session.commit()
    # When the East chair asks for the list, both documents and the events in one message
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = CHAIR, "help@pep.test", "library"
    message["Message-ID"] = "<lib-1@east-pubwatch.example>"
    message.set_content(f"LIBRARY\nSEND DOC {east}\nSEND DOC {west}\nEVENTS\n")
    send(pep.port, message)
    # Then one reply lists East's document, attaches it, refuses West's, and shows the meeting
    reply = wait_until(lambda: messages_to(pep.outbox, CHAIR))[0]
    text = body_text(reply)
    assert f"{east}. East guide" in text and "West guide" not in text.split("SEND DOC")[0]
    assert "not shared with your partnership" in text and "Town Hall" in text
    assert [p.get_filename() for p in reply.iter_attachments()] == ["East guide.pdf"]
