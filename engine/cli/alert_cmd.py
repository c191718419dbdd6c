"""`pep alert send|list|show|withdraw`: alerts and publications from the command line."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.errors import InvalidInput, NotFound
from engine.models import Person, Publication
from engine.services import publishing
from engine.services.people import get_person
from engine.services.publications import DraftFile, prepare_draft
from inbound.limits import ParseLimits
from inbound.parse import parse_message
from inbound.trim import new_text


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("alert", help="alerts and publications").add_subparsers(dest="verb", required=True)
    send = group.add_parser("send", help="preview a draft (.eml) to its author, who replies SEND or CANCEL")
    send.add_argument("--from", dest="sender", required=True, help="the author's registered address")
    send.add_argument("--file", required=True, help="the draft as an email file")
    send.add_argument("--publish", action="store_true", help="news, event, meeting or document (as publish@)")
    send.set_defaults(func=run_send)
    listing = group.add_parser("list", help="list alerts and publications")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    show = group.add_parser("show", help="one publication with its delivery counts")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=run_show)
    withdraw = group.add_parser("withdraw", help="withdraw a publication and notify everyone who received it")
    withdraw.add_argument("id", type=int)
    withdraw.add_argument("--reason", required=True)
    withdraw.set_defaults(func=run_withdraw)


def read_draft(path: str) -> tuple[str, str, str | None, list[DraftFile]]:
    """Subject, new text, From address and files of a draft saved as an .eml file."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    parsed = parse_message(raw, ParseLimits())
    files = [DraftFile(a.filename or f"attachment-{n}", a.content_type, a.data)
             for n, a in enumerate(parsed.attachments, 1)
             if not a.content_type.lower().startswith(("message/", "multipart/"))]
    return parsed.subject, new_text(parsed.text), parsed.from_addr, files


def run_send(args: argparse.Namespace) -> int:
    subject, text, _from, files = read_draft(args.file)
    with command_session() as (app, session):
        sender = get_person(session, args.sender)
        outcome = prepare_draft(session, app.env, sender, "publish" if args.publish else "alerts", subject, text, files)
    preview = outcome.preview
    for error in preview["errors"]:
        print(f"error: {error}")
    for p in preview["partnerships"]:
        print(f"{p['name']} ({p['type']}, {p['area']}): {p['recipients']}")
    print(f"{preview['partnership_count']} partnerships, {preview['recipients']} recipients, "
          f"expires {preview['expires_on']}")
    if outcome.publication is None:
        raise InvalidInput(f"draft not accepted ({len(preview['errors'])} error(s)); nothing was kept")
    print(f"draft {outcome.publication.id}: preview emailed to {sender.email}; reply SEND or CANCEL to it")
    return 0


def _row(pub: Publication, author: str) -> dict[str, Any]:
    return {"id": pub.id, "kind": pub.kind, "category": pub.category, "title": pub.title, "status": pub.status,
            "author": author, "published_at": pub.published_at, "expires_at": pub.expires_at,
            "withdrawn_at": pub.withdrawn_at}


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        rows = [_row(pub, email) for pub, email in session.execute(
            select(Publication, Person.email).join(Person, Person.id == Publication.author_id)
            .order_by(Publication.id))]
    emit(rows, args.json, ["id", "kind", "category", "status", "title", "author", "expires_at"])
    return 0


def run_show(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        pub = session.get(Publication, args.id)
        if pub is None:
            raise NotFound(f"no publication {args.id}")
        author = session.get(Person, pub.author_id)
        row = _row(pub, author.email if author else "") | {
            "audience": pub.audience, "reach": pub.reach, "withdrawn_reason": pub.withdrawn_reason,
            "deliveries": publishing.delivery_counts(session, pub.id)}
    if args.json:
        emit([row], True)
        return 0
    for key, value in row.items():
        print(f"{key}: {value}")
    return 0


def run_withdraw(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        pub = session.get(Publication, args.id)
        if pub is None:
            raise NotFound(f"no publication {args.id}")
        notices = publishing.withdraw(session, app.env, pub, args.reason, actor="cli")
    print(f"publication {args.id} withdrawn; {notices} withdrawal notices queued")
    return 0
