"""A reply to a command summary: `CONFIRM` runs the commands, `CANCEL` drops them, anything else changes nothing."""
from __future__ import annotations

from engine.models import Person
from engine.services.command_mail import cancel, run_confirmed
from engine.services.tokens import check_token
from inbound.errors import NotUnderstood
from inbound.keywords import first_line, says
from inbound.work import Work


def handle_command_reply(work: Work) -> str:
    token = check_token(work.session, work.app.env, work.recipient.token or "", work.sender)
    person = work.session.get(Person, token.person_id)
    assert person is not None
    in_reply_to = f"<{work.row.message_id_header}>" if work.row.message_id_header else None
    if says(work.new_text, "CONFIRM"):
        outcomes = run_confirmed(work.session, work.app.env, token, person, in_reply_to)
        return f"commands run: {sum(o.done for o in outcomes)} done, {sum(not o.done for o in outcomes)} refused"
    if says(work.new_text, "CANCEL"):
        cancel(work.session, work.app.env, token, person)
        return "commands cancelled"
    raise NotUnderstood(understood=first_line(work.new_text)[:200], expected="CONFIRM or CANCEL")
