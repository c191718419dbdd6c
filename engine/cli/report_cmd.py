"""`pep report list|show|export`: incident and intelligence reports, their threads, and an .eml bundle."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.cli.context import command_session, parse_since
from engine.cli.output import emit
from engine.services.areas import find_area
from engine.services.report_views import export_eml, find_report, list_reports, thread

STATUSES = ("open", "closed")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("report", help="incident and intelligence reports").add_subparsers(dest="verb",
                                                                                             required=True)
    listing = group.add_parser("list", help="list reports, newest first")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--area", help="an area name (areas below it included)")
    listing.add_argument("--since", help="ISO date or time")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    show = group.add_parser("show", help="a report's whole thread and its files")
    show.add_argument("ref")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=run_show)
    export = group.add_parser("export", help="an .eml bundle a police system can ingest")
    export.add_argument("ref")
    export.add_argument("--out", help="file to write (default: REF.eml in the current folder; - for stdout)")
    export.set_defaults(func=run_export)


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        since = parse_since(args.since, app.settings.tz)
        rows = list_reports(session, args.status, find_area(session, args.area) if args.area else None, since)
    emit(rows, args.json, None if args.json else ("ref", "kind", "status", "created_at", "area", "partnership",
                                                   "grading", "awaiting"))
    return 0


def run_show(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        data = thread(session, find_report(session, args.ref))
    if args.json:
        json.dump(data, sys.stdout, indent=1, default=str)
        sys.stdout.write("\n")
        return 0
    for key in ("ref", "kind", "status", "created_at", "occurred_at", "when_source", "area", "where", "who",
                "partnership", "reporter", "grading", "awaiting", "isa_lapsed", "routed_to", "closed_at"):
        print(f"{key + ':':13} {data[key] if data[key] not in (None, '') else '-'}")
    print(f"\n{data['description']}\n")
    for turn in data["turns"]:
        print(f"--- {turn['at'].isoformat()} {turn['side']} {turn['from']} [{turn['action']}]")
        print(turn["text"] or "(no text)")
    print(f"\nfiles: {len(data['files'])}")
    for f in data["files"]:
        size = f" {f['width']}x{f['height']}" if f["width"] else ""
        print(f"  {f['name']}  {f['type']}  {f['size']} bytes{size}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        report = find_report(session, args.ref)
        data = export_eml(session, app.env, report)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        return 0
    target = Path(args.out or f"{report.ref}.eml")
    target.write_bytes(data)
    print(f"{report.ref} exported to {target} ({len(data)} bytes)")
    return 0
