"""`pep digest run [--now ISO] [--to EMAIL]` and `pep digest preview EMAIL`."""
from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

from engine.cli.context import command_session
from engine.digest.build import CHART_CID, KIND, preview_values, queue_digests
from engine.digest.schedule import week_label, week_moment


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("digest", help="the weekly digest").add_subparsers(dest="verb", required=True)
    run = group.add_parser("run", help="build and send this week's digest now (once per person per week)")
    run.add_argument("--now", help="ISO date and time to run as of (naive means PEP_TIMEZONE)")
    run.add_argument("--to", help="send only to this address, now, even if they had this week's digest")
    run.set_defaults(func=run_digest)
    preview = group.add_parser("preview", help="write the HTML of the digest EMAIL would get now")
    preview.add_argument("email")
    preview.add_argument("--now", help="ISO date and time to build it as of")
    preview.add_argument("--out", help="file to write (default: standard output)")
    preview.set_defaults(func=run_preview)


def run_digest(args: argparse.Namespace) -> int:
    with command_session(args.now) as (app, session):
        label = None if args.to else week_label(week_moment(app.settings, app.clock.now()))
        queued = queue_digests(session, app.env, label, args.to)
    print(f"{queued} digest{'s' if queued != 1 else ''} queued")
    return 0


def run_preview(args: argparse.Namespace) -> int:
    with command_session(args.now) as (app, session):
        built = preview_values(session, app.env, args.email)
        if built is None:
            print(f"nothing current for {args.email.lower()}: no digest would be sent", file=sys.stderr)
            return 0
        context, png = built
        html = app.renderer.render(KIND, context).html
    # In a file the inline image has no message to come from: show it from a data URI instead.
    html = html.replace(f"cid:{CHART_CID}", "data:image/png;base64," + base64.b64encode(png).decode("ascii"))
    if args.out:
        Path(args.out).write_text(html, encoding="utf-8")
        print(f"written to {args.out}")
    else:
        sys.stdout.write(html)
    return 0
