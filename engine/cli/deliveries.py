"""`pep delivery list|retry`."""
from __future__ import annotations

import argparse

from sqlalchemy import select

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.models import Delivery
from engine.queue.requeue import requeue

STATUSES = ("queued", "sending", "sent", "failed", "bounced")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("delivery", help="outbound deliveries").add_subparsers(dest="verb", required=True)
    listing = group.add_parser("list", help="list deliveries, newest first")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    retry = group.add_parser("retry", help="send a failed delivery again")
    retry.add_argument("id", type=int)
    retry.set_defaults(func=run_retry)


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        query = select(Delivery).order_by(Delivery.id.desc()).limit(args.limit)
        if args.status:
            query = query.where(Delivery.status == args.status)
        rows = [{"id": d.id, "kind": d.kind, "to": d.to_addr, "status": d.status, "attempts": d.attempts,
                 "created_at": d.created_at, "sent_at": d.sent_at, "message_id": d.message_id,
                 "error": d.last_error} for d in session.scalars(query)]
    emit(rows, args.json, ["id", "kind", "to", "status", "attempts", "sent_at", "error"])
    return 0


def run_retry(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        delivery = requeue(session, app.env, Delivery, args.id, what="delivery", retryable=("failed", "bounced"),
                           waiting="queued", queue="outbound")
        # A retried delivery gets a fresh lifetime for its own retries.
        delivery.created_at = app.clock.now()
    print(f"delivery {args.id} queued again")
    return 0
