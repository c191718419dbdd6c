"""Mail to alerts@ or publish@: a draft; PEP previews it to the sender's registered address."""
from __future__ import annotations

from engine.services.publications import DraftFile, prepare_draft
from inbound.work import Work


def draft_files(work: Work) -> list[DraftFile]:
    """The message's files (embedded messages and delivery reports are not files)."""
    assert work.parsed is not None
    return [DraftFile(a.filename or f"attachment-{n}", a.content_type, a.data)
            for n, a in enumerate(work.parsed.attachments, 1)
            if not a.content_type.lower().startswith(("message/", "multipart/"))]


def handle_publication_mail(work: Work) -> str:
    assert work.parsed is not None and work.person is not None
    outcome = prepare_draft(work.session, work.app.env, work.person, work.recipient.kind, work.parsed.subject,
                            work.new_text, draft_files(work), work.row.id)
    if outcome.publication is None:
        return f"draft refused with {len(outcome.plan.errors)} error(s); preview sent"
    return f"draft publication {outcome.publication.id} previewed ({outcome.preview['recipients']} recipients)"
