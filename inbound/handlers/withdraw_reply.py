"""The author's reply to a publication's confirmation: WITHDRAW ends it and tells everyone who received it."""
from __future__ import annotations

from engine.errors import NotFound
from engine.models import Publication
from engine.services import publishing
from engine.services.outbox import queue_message
from engine.services.tokens import check_token, use_token
from inbound.errors import NotUnderstood
from inbound.keywords import first_line, says
from inbound.work import Work

DEFAULT_REASON = "withdrawn by its author"


def withdrawal_reason(text: str) -> str:
    """What follows WITHDRAW on its line, else the next lines' text, else a plain default."""
    line = first_line(text)
    after = line[line.lower().find("withdraw") + len("withdraw"):].lstrip(" :,.-–") if "withdraw" in line.lower() else ""
    if after.strip():
        return after.strip()
    rest = text.split(line, 1)[1] if line and line in text else ""
    return " ".join(rest.split())[:500] or DEFAULT_REASON


def handle_withdraw_reply(work: Work) -> str:
    env = work.app.env
    token = check_token(work.session, env, work.recipient.token or "", work.sender)
    publication = work.session.get(Publication, token.object_id)
    if publication is None:
        raise NotFound("the publication this confirmation was for no longer exists")
    if not says(work.new_text, "withdraw"):
        raise NotUnderstood(understood=first_line(work.new_text)[:200], expected="WITHDRAW")
    use_token(work.session, env, token)
    notices = publishing.withdraw(work.session, env, publication, withdrawal_reason(work.new_text),
                                  work.sender or "unknown")
    queue_message(work.session, env, "police.publication.outcome", {
        "title": publication.title,
        "outcome": f"Withdrawn. A withdrawal notice is going to the {notices} people who received it.",
        "person_name": work.person.name if work.person and work.person.name else (work.sender or "")},
        person=work.person)
    return f"publication {publication.id} withdrawn; {notices} notices"
