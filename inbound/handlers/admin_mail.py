"""Mail to admin@: no token, so nothing runs yet; the sender is sent a summary to CONFIRM from their registered address."""
from __future__ import annotations

import hashlib

from engine.models import StoredFile
from engine.services.command_mail import ask_to_confirm
from inbound.work import Work


def handle_admin_mail(work: Work) -> str:
    assert work.person is not None  # identify_sender refuses unregistered senders first
    in_reply_to = f"<{work.row.message_id_header}>" if work.row.message_id_header else None
    photos = _held_photos(work) if "subject" in work.new_text.lower() else []
    count = ask_to_confirm(work.session, work.app.env, work.person, work.new_text, in_reply_to, photos)
    return f"{count} command line(s) awaiting the sender's CONFIRM"


def _held_photos(work: Work) -> list[int]:
    """Pictures sent with a SUBJECT block, stored now so that the CONFIRM reply can record them."""
    assert work.parsed is not None
    ids = []
    for attachment in work.parsed.attachments:
        if attachment.content_type.startswith("image/") and attachment.data:
            held = StoredFile(filename=attachment.filename or "photo", content_type=attachment.content_type,
                              size=len(attachment.data), sha256=hashlib.sha256(attachment.data).hexdigest(),
                              data=attachment.data, created_at=work.app.clock.now())
            work.session.add(held)
            work.session.flush()
            ids.append(held.id)
    return ids
