"""`pep broadcast show ID`: a broadcast's progress (queued, sent, failed, bounced)."""
from __future__ import annotations

import argparse
import json

from engine.cli.context import command_session
from engine.cli.output import _plain
from engine.services.broadcasts import broadcast_summary


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("broadcast", help="messages sent to many").add_subparsers(dest="verb", required=True)
    show = group.add_parser("show", help="one broadcast and how far its deliveries have got")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=run_show)


def run_show(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        summary = broadcast_summary(session, args.id)
    if args.json:
        print(json.dumps({k: _plain(v) for k, v in summary.items()}))
        return 0
    print(f"broadcast {summary['id']}: {summary['kind']}{' (bulk)' if summary['bulk'] else ''}, "
          f"created {_plain(summary['created_at'])}")
    print(f"  {summary['total']} deliveries: {summary['queued']} queued, {summary['sent']} sent, "
          f"{summary['failed']} failed, {summary['bounced']} bounced")
    return 0
