"""A message to help@: run each command line and answer once, listing every line's outcome."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from engine.models import Delivery
from engine.services.bounces import confirmed_reachable
from engine.services.outbox import queue_message
from inbound.help_commands import CommandContext, command_list, command_lines, run_commands
from inbound.work import Work

REPLY_KIND = "any.help.reply"
# A person may ask many things in a day; a machine that ignores Auto-Submitted may ask forever.
MAX_REPLIES_PER_DAY = 20


def _vouched(work: Work) -> bool:
    """The sender is who they say: no trusted verdicts to go by, or one of them passed."""
    if not work.auth.get("trusted"):
        return True
    return "pass" in (work.auth.get("spf"), work.auth.get("dkim"), work.auth.get("dmarc"))


def _replies_today(work: Work, address: str) -> int:
    tz = work.app.settings.tz
    local_day = work.app.clock.now().astimezone(tz).date()
    start = datetime.combine(local_day, time(0), tzinfo=tz)
    return work.session.scalar(select(func.count(Delivery.id)).where(
        Delivery.kind == REPLY_KIND, Delivery.to_addr == address, Delivery.created_at >= start,
        Delivery.created_at < start + timedelta(days=1))) or 0


def handle_help(work: Work) -> str:
    person = work.person
    assert person is not None  # identify_sender refuses strangers before any handler runs
    if _vouched(work):
        confirmed_reachable(work.session, work.app.env, person, f"wrote to help@ (inbound {work.row.id})")
    text = work.new_text
    if not command_lines(text) and work.parsed is not None:
        text = work.parsed.subject  # "STATUS" in the subject line and nothing in the body
    context = CommandContext(work.session, work.app.env, person)
    results = run_commands(context, text)
    summary = f"{len(results)} line(s), {sum(r.known for r in results)} command(s) run"
    if _replies_today(work, person.email) >= MAX_REPLIES_PER_DAY:
        return f"{summary}; not answered (daily answer limit reached)"
    queue_message(work.session, work.app.env, REPLY_KIND, {
        "person_name": person.name or person.email,
        "results": [{"command": r.command, "outcome": r.outcome} for r in results],
        "commands": command_list(),
    }, person=person, in_reply_to=f"<{work.row.message_id_header}>" if work.row.message_id_header else None,
        attachments=context.attachments or None)
    return summary
