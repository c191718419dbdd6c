"""The author's reply to a preview: SEND publishes the draft, CANCEL discards it."""
from __future__ import annotations

from engine.errors import NotFound
from engine.models import Publication
from engine.services import publishing
from engine.services.outbox import queue_message
from engine.services.tokens import check_token, use_token
from inbound.errors import NotUnderstood
from inbound.keywords import first_line, says
from inbound.work import Work


def handle_draft_reply(work: Work) -> str:
    env = work.app.env
    token = check_token(work.session, env, work.recipient.token or "", work.sender)
    publication = work.session.get(Publication, token.object_id)
    if publication is None:
        raise NotFound("the draft this preview was for no longer exists")
    actor = work.sender or "unknown"
    if says(work.new_text, "send"):
        use_token(work.session, env, token)
        broadcast = publishing.send(work.session, env, publication, actor)
        return f"publication {publication.id} sent (broadcast {broadcast.id})"
    if says(work.new_text, "cancel"):
        use_token(work.session, env, token)
        publishing.cancel(work.session, env, publication, actor)
        queue_message(work.session, env, "police.publication.outcome", {
            "title": publication.title, "outcome": "Cancelled: nothing was sent, and the draft is discarded.",
            "person_name": work.person.name if work.person and work.person.name else actor}, person=work.person)
        return f"publication {publication.id} cancelled"
    raise NotUnderstood(understood=first_line(work.new_text)[:200], expected="SEND or CANCEL")
