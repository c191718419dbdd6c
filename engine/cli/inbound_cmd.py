"""`pep inbound list|show|retry`: what came in, what became of it, and a second chance."""
from __future__ import annotations

import argparse

from sqlalchemy import select

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.errors import Conflict, NotFound
from engine.models import InboundMessage
from engine.queue.wakeups import wake_after_commit


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("inbound", help="inbound messages").add_subparsers(dest="verb", required=True)
    listing = group.add_parser("list", help="list inbound messages, newest first")
    listing.add_argument("--failed", action="store_true", help="only those parked or waiting to retry")
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    show = group.add_parser("show", help="one inbound message, with its raw text")
    show.add_argument("id", type=int)
    show.set_defaults(func=run_show)
    retry = group.add_parser("retry", help="process a parked message again")
    retry.add_argument("id", type=int)
    retry.set_defaults(func=run_retry)


def _row(m: InboundMessage) -> dict[str, object]:
    return {"id": m.id, "received_at": m.received_at, "from": m.sender or m.mail_from, "to": m.rcpt_to,
            "status": m.status, "classification": m.classification, "outcome": m.outcome, "error": m.error,
            "attempts": m.attempts}


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        query = select(InboundMessage).order_by(InboundMessage.id.desc()).limit(args.limit)
        if args.failed:
            query = query.where(InboundMessage.status.in_(("parked", "retry")))
        rows = [_row(m) for m in session.scalars(query)]
    emit(rows, args.json, ["id", "received_at", "from", "to", "status", "outcome"])
    return 0


def run_show(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        message = session.get(InboundMessage, args.id)
        if message is None:
            raise NotFound(f"no inbound message {args.id}")
        for key, value in _row(message).items():
            print(f"{key:>14}: {value if value is not None else ''}")
        print()
        print((message.raw or b"(raw message deleted under the retention policy)").decode("utf-8", "replace"))
    return 0


def run_retry(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        message = session.get(InboundMessage, args.id)
        if message is None:
            raise NotFound(f"no inbound message {args.id}")
        if message.status not in ("parked", "retry"):
            raise Conflict(f"inbound message {args.id} is {message.status}, not parked")
        message.status, message.attempts, message.next_attempt_at = "retry", 0, app.clock.now()
        wake_after_commit(session, "inbound", message.id)
    print(f"inbound message {args.id} will be processed again")
    return 0
