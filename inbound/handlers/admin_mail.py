"""Mail to admin@: no token, so nothing runs yet; the sender is sent a summary to CONFIRM from their registered address."""
from __future__ import annotations

from engine.services.command_mail import ask_to_confirm
from inbound.work import Work


def handle_admin_mail(work: Work) -> str:
    assert work.person is not None  # identify_sender refuses unregistered senders first
    in_reply_to = f"<{work.row.message_id_header}>" if work.row.message_id_header else None
    count = ask_to_confirm(work.session, work.app.env, work.person, work.new_text, in_reply_to)
    return f"{count} command line(s) awaiting the sender's CONFIRM"
