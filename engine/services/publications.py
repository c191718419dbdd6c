"""An alert or publication written by email or CLI: read the draft, preview it to its author, keep it as a draft."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Person, Publication, StoredFile
from engine.services.audiences import audience_for, count
from engine.services.audit import record
from engine.services.draft_header import split_draft
from engine.services.draft_plan import Plan, plan_draft
from engine.services.gate import carries_personal_data
from engine.services.outbox import queue_message
from engine.services.tokens import issue_token, reply_address

CATEGORY_LABELS = {"offender": "Offender", "wanted": "Wanted person", "licence": "Released on licence",
                   "order": "Court order", "id_sought": "Help to identify", "info": "Information"}


@dataclass(frozen=True)
class DraftFile:
    """A file that came with the draft: images are shown inline, anything else is attached."""

    filename: str
    content_type: str
    data: bytes

    @property
    def is_photo(self) -> bool:
        return self.content_type.lower().startswith("image/")


@dataclass
class DraftOutcome:
    """The preview's values; `publication` is None when the draft had errors and nothing was kept."""

    plan: Plan
    preview: dict[str, Any]
    publication: Publication | None = None
    files: list[DraftFile] = field(default_factory=list)


def prepare_draft(session: Session, env: Env, sender: Person, address: str, subject: str, text: str,
                  files: list[DraftFile], inbound_message_id: int | None = None) -> DraftOutcome:
    """Check the draft, count who it would reach, and email the preview to the sender's registered address.

    With no errors the draft is kept (status draft) with a 24-hour SEND/CANCEL token; with errors
    nothing is kept and the preview lists each error with its line.
    """
    plan = plan_draft(session, env, sender, address, split_draft(text))
    title = " ".join(subject.split())[:300]
    if not title:
        plan.error(0, "the message has no subject: the subject is the title")
    audience = audience_for(session, env, plan.kind, plan.category, plan.reach, plan.types, plan.areas, sender.id)
    counts = count(session, env, audience, plan.category)
    if not plan.errors and counts.recipients == 0:
        plan.error(0, "no partnership matches this audience and area (or none may receive it now)")
    preview = {
        "title": title, "kind": plan.kind, "category": plan.category,
        "category_label": CATEGORY_LABELS[plan.category], "personal": carries_personal_data(plan.category),
        "reach": plan.reach, "audience": ", ".join(plan.types) if plan.types else "all partnership types",
        "areas": ", ".join(plan.areas) if plan.areas else "the whole force",
        "expires_on": _day(env, plan.expires_at), "starts": _moment(env, plan.starts_at), "place": plan.place,
        "partnerships": counts.partnerships, "partnership_count": len(counts.partnerships),
        "recipients": counts.recipients, "held_back": counts.held_back[:20],
        "routes": [r.name for r in audience.routes], "errors": plan.errors,
        "files": [f.filename for f in files], "draft_valid_hours": env.settings.draft_valid_hours,
        "person_name": sender.name or sender.email,
    }
    outcome = DraftOutcome(plan, preview, files=files)
    token = None
    if not plan.errors:
        outcome.publication = _keep(session, env, sender, plan, title, files)
        preview["publication_id"] = outcome.publication.id
        token = reply_address(env, issue_token(session, env, "draft", sender, "publication", outcome.publication.id,
                                               timedelta(hours=env.settings.draft_valid_hours)))
    preview["can_send"] = token is not None
    queue_message(session, env, "police.publication.preview", preview, person=sender, reply_token=token)
    record(session, env, sender.email, "publication.previewed", "publication",
           outcome.publication.id if outcome.publication else None, inbound_message_id=inbound_message_id,
           recipients=counts.recipients, errors=plan.errors)
    return outcome


def _keep(session: Session, env: Env, sender: Person, plan: Plan, title: str, files: list[DraftFile]) -> Publication:
    now = env.clock.now()
    publication = Publication(kind=plan.kind, category=plan.category, title=title, body=plan.body,
                              author_id=sender.id, status="draft", starts_at=plan.starts_at,
                              expires_at=plan.expires_at, created_at=now, reach=plan.reach, place=plan.place,
                              audience={"types": list(plan.types) if plan.types is not None else None,
                                        "areas": list(plan.areas) if plan.areas is not None else None})
    session.add(publication)
    session.flush()
    for item in files:
        session.add(StoredFile(publication_id=publication.id, filename=item.filename[:255],
                               content_type=item.content_type[:100], size=len(item.data),
                               sha256=hashlib.sha256(item.data).hexdigest(), data=item.data, created_at=now))
    return publication


def _day(env: Env, value: Any) -> str:
    return value.astimezone(env.settings.tz).date().isoformat() if value else ""


def _moment(env: Env, value: Any) -> str:
    return value.astimezone(env.settings.tz).strftime("%Y-%m-%d %H:%M") if value else ""
