"""Commands emailed to admin@: a summary to the sender's registered address first, run only on their CONFIRM,
so that a forged From line cannot act; then one reply listing each line's outcome."""
from __future__ import annotations

from datetime import timedelta
from typing import Sequence

from sqlalchemy.orm import Session

from engine.commands.execute import Outcome, run_lines
from engine.commands.parse import BLOCK_JOIN, command_lines, parse_line
from engine.env import Env
from engine.errors import InvalidInput
from engine.models import Person, ReplyToken
from engine.services.audit import record
from engine.services.outbox import queue_message
from engine.services.tokens import issue_token, reply_address, use_token


def ask_to_confirm(session: Session, env: Env, person: Person, text: str, in_reply_to: str | None,
                   photo_ids: Sequence[int] = ()) -> int:
    """Send `person` a summary of the lines understood (and those not); returns how many await CONFIRM.

    Photos sent with a SUBJECT block (already stored, ids in `photo_ids`) are named on its line.
    """
    lines = command_lines(text)
    if photo_ids:
        lines = [f"{line}{BLOCK_JOIN}Photos: {','.join(map(str, photo_ids))}" if line.upper().startswith("SUBJECT ")
                 else line for line in lines]
    if not lines:
        raise InvalidInput("the message has no commands in it: write one command per line, e.g. STATUS")
    understood, not_understood = [], []
    for line in lines:
        try:
            understood.append(parse_line(line).line)
        except InvalidInput as exc:
            not_understood.append({"line": line, "reason": str(exc)})
    token = None
    valid = timedelta(hours=env.settings.command_confirm_hours)
    if understood:
        token = issue_token(session, env, "command", person, "person", person.id, valid, data={"lines": understood})
    queue_message(session, env, "admin.command.summary", {
        "person_name": person.name or person.email, "understood": understood, "not_understood": not_understood,
        "confirm_before": (env.clock.now() + valid).astimezone(env.settings.tz).isoformat(timespec="minutes"),
    }, person=person, reply_token=reply_address(env, token) if token else None, in_reply_to=in_reply_to)
    record(session, env, person.email, "command.summary_sent", "person", person.id, lines=understood,
           not_understood=[item["line"] for item in not_understood])
    return len(understood)


def run_confirmed(session: Session, env: Env, token: ReplyToken, person: Person, in_reply_to: str | None,
                  ) -> list[Outcome]:
    """The sender confirmed: use the token, run its lines, reply with the outcomes."""
    use_token(session, env, token)
    outcomes = run_lines(session, env, person, list(token.data.get("lines", [])))
    send_outcomes(session, env, person, outcomes, in_reply_to)
    return outcomes


def cancel(session: Session, env: Env, token: ReplyToken, person: Person) -> None:
    use_token(session, env, token)
    record(session, env, person.email, "command.cancelled", "person", person.id, lines=token.data.get("lines", []))


def send_outcomes(session: Session, env: Env, person: Person, outcomes: Sequence[Outcome],
                  in_reply_to: str | None) -> None:
    queue_message(session, env, "admin.command.outcome", {
        "person_name": person.name or person.email, "results": [o.as_dict() for o in outcomes],
    }, person=person, in_reply_to=in_reply_to)
    record(session, env, person.email, "command.run", "person", person.id,
           results=[o.as_dict() for o in outcomes])
