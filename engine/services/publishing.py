"""Publish a previewed draft (SEND), discard it (CANCEL), or withdraw a published one (WITHDRAW)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import JSON, func, literal, select, update
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import Conflict
from engine.models import Broadcast, Delivery, Person, Publication, StoredFile
from engine.services import gate
from engine.services.audiences import publication_audience
from engine.services.audit import record
from engine.services.fanout import fan_out
from engine.services.outbox import queue_message
from engine.services.publications import CATEGORY_LABELS
from engine.services.tokens import issue_token, reply_address

MESSAGE_KIND = "member.publication"
NOTICE_KIND = "member.publication.withdrawn"
KIND_LABELS = {"alert": "Alert", "news": "News", "event": "Event", "meeting": "Meeting", "document": "Document"}


def handling(publication: Publication, expires_on: str) -> str:
    if gate.carries_personal_data(publication.category):
        return (f"Restricted: shared under your Information Sharing Agreement. Use it only to keep your premises, "
                f"staff and customers safe. Do not forward it, post it online or display it. Delete it, "
                f"and any copies or prints, when it expires on {expires_on}.")
    return f"You may share this with your staff. It is current until {expires_on}."


# The Subject is written by the templates: for personal data it names only the category and area.
def shared_values(session: Session, env: Env, publication: Publication) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The values every recipient's copy shares, and the attachment references (photos inline)."""
    tz = env.settings.tz
    expires_on = publication.expires_at.astimezone(tz).date().isoformat() if publication.expires_at else ""
    areas = ", ".join((publication.audience or {}).get("areas") or []) or env.settings.force_name
    files = list(session.scalars(select(StoredFile).where(StoredFile.publication_id == publication.id)
                                 .order_by(StoredFile.id)))
    refs: list[dict[str, Any]] = []
    photos, documents = [], []
    for n, stored in enumerate(files, 1):
        if stored.content_type.lower().startswith("image/"):
            cid = f"photo{n}.p{publication.id}"
            refs.append({"stored_file": stored.id, "inline": cid})
            photos.append({"cid": cid, "alt": f"Photo {len(photos) + 1}: {stored.filename}"})
        else:
            refs.append({"stored_file": stored.id})
            documents.append(stored.filename)
    values = {
        "publication_id": publication.id, "kind": publication.kind, "kind_label": KIND_LABELS[publication.kind],
        "category": publication.category, "category_label": CATEGORY_LABELS[publication.category],
        "personal": gate.carries_personal_data(publication.category), "title": publication.title,
        "body": publication.body, "areas": areas,
        "expires_on": expires_on, "handling": handling(publication, expires_on), "photos": photos,
        "documents": documents, "place": publication.place, "onward": False, "is_alert": publication.kind == "alert",
        "starts": publication.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if publication.starts_at else "",
    }
    if publication.kind == "alert":
        until = publication.expires_at or env.clock.now() + timedelta(days=30)
        values["_reply"] = {"purpose": "alert", "until": until.isoformat()}
    return values, refs


def send(session: Session, env: Env, publication: Publication, actor: str) -> Broadcast:
    """Gate, audit and fan out to every recipient at once; confirm to the author with a WITHDRAW reply."""
    if publication.status != "draft":
        raise Conflict(f"publication {publication.id} is {publication.status}, not a draft")
    now = env.clock.now()
    if publication.expires_at is not None and publication.expires_at <= now:
        raise Conflict("the draft's expiry has passed: nothing was sent")
    audience = publication_audience(session, env, publication)
    passed = gate.disclose(session, env, publication, audience.pairs, actor).subquery("passes")
    values, refs = shared_values(session, env, publication)
    broadcast = fan_out(session, env, MESSAGE_KIND, values, select(passed.c.person_id).distinct(),
                        publication_id=publication.id, attachments=refs, essential=publication.kind == "alert")
    session.execute(update(Delivery).where(
        Delivery.broadcast_id == broadcast.id,
        Delivery.person_id.in_(select(passed.c.person_id).where(passed.c.onward.is_(True))))
        .values(context=literal({"onward": True}, JSON)))
    recipients = session.scalar(select(func.count()).select_from(Delivery)
                                .where(Delivery.broadcast_id == broadcast.id)) or 0
    if recipients == 0:
        raise Conflict("nobody may receive it now (no partnership matches, or none has a current ISA): "
                       "nothing was sent")
    publication.status, publication.published_at = "published", now
    record(session, env, actor, "publication.published", "publication", publication.id, broadcast_id=broadcast.id,
           recipients=recipients, routes=[r.name for r in audience.routes], category=publication.category)
    _confirm(session, env, publication, recipients)
    return broadcast


def _confirm(session: Session, env: Env, publication: Publication, recipients: int) -> None:
    author = session.get(Person, publication.author_id)
    assert author is not None
    until = publication.expires_at or env.clock.now() + timedelta(days=env.settings.expiry_max_days)
    token = issue_token(session, env, "withdraw", author, "publication", publication.id,
                        max(until - env.clock.now(), timedelta(hours=1)))
    queue_message(session, env, "police.publication.sent", {
        "person_name": author.name or author.email, "title": publication.title, "publication_id": publication.id,
        "recipients": recipients, "kind": publication.kind,
        "expires_on": publication.expires_at.astimezone(env.settings.tz).date().isoformat()
        if publication.expires_at else "",
    }, person=author, reply_token=reply_address(env, token))


def cancel(session: Session, env: Env, publication: Publication, actor: str) -> None:
    if publication.status != "draft":
        raise Conflict(f"publication {publication.id} is {publication.status}, not a draft")
    publication.status = "cancelled"
    record(session, env, actor, "publication.cancelled", "publication", publication.id)


def withdraw(session: Session, env: Env, publication: Publication, reason: str, actor: str) -> int:
    """End it now: copies not yet sent are stopped, and everyone who received it gets a short notice.

    Returns how many notices were queued.
    """
    if publication.status != "published":
        raise Conflict(f"publication {publication.id} is {publication.status}: only a published one can be withdrawn")
    clean = " ".join(reason.split())
    if not clean:
        raise Conflict("say why it is withdrawn (e.g. the subject has been identified)")
    now = env.clock.now()
    publication.status, publication.withdrawn_at, publication.withdrawn_reason = "withdrawn", now, clean[:2000]
    stopped = session.execute(update(Delivery).where(
        Delivery.publication_id == publication.id, Delivery.kind == MESSAGE_KIND, Delivery.status == "queued")
        .values(status="failed", last_error="withdrawn before it was sent")).rowcount  # type: ignore[attr-defined]
    earlier = select(Delivery.person_id).where(
        Delivery.publication_id == publication.id, Delivery.kind == MESSAGE_KIND,
        Delivery.status.in_(("sent", "sending")), Delivery.person_id.is_not(None))
    values, _ = shared_values(session, env, publication)
    notice = {k: values[k] for k in ("publication_id", "kind_label", "category_label", "personal", "areas")}
    notice |= {"title": "" if values["personal"] else publication.title, "reason": clean,
               "sent_on": publication.published_at.astimezone(env.settings.tz).date().isoformat()
               if publication.published_at else ""}
    broadcast = fan_out(session, env, NOTICE_KIND, notice, earlier, publication_id=publication.id, essential=True)
    notices = session.scalar(select(func.count()).select_from(Delivery)
                             .where(Delivery.broadcast_id == broadcast.id)) or 0
    record(session, env, actor, "publication.withdrawn", "publication", publication.id, reason=clean,
           notices=notices, stopped=stopped)
    return notices


def delivery_counts(session: Session, publication_id: int) -> dict[str, dict[str, int]]:
    """Per message kind, deliveries by status."""
    out: dict[str, dict[str, int]] = {}
    for kind, status, n in session.execute(
            select(Delivery.kind, Delivery.status, func.count()).where(Delivery.publication_id == publication_id)
            .group_by(Delivery.kind, Delivery.status)):
        out.setdefault(kind, {})[status] = n
    return out
