"""`pep dataview --purpose TEXT [...]` and `pep dataview link|unlink A B`."""
from __future__ import annotations

import argparse
import csv
import getpass
import json
import sys
from typing import Any

from engine.cli.context import command_session, parse_since
from engine.cli.output import emit
from engine.errors import InvalidInput
from engine.services.subjects import find_subject

CSV_COLUMNS = ("rank", "score", "names", "records", "partnerships", "areas", "incidents", "incidents_by_month",
               "last_seen", "exclusions", "reasons", "match_reasons")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    view = sub.add_parser("dataview", help="subjects across partnerships, resolved into people (police)",
                          description="pep dataview --purpose TEXT [...] shows the view; "
                                      "pep dataview link|unlink A B records that two records are, or are not, "
                                      "the same person (A and B: subject id or PARTNERSHIP:REF)")
    view.add_argument("decision", nargs="*", metavar="link|unlink A B")
    view.add_argument("--purpose", help="why you are looking (required for the view; audited)")
    view.add_argument("--area", help="only people seen in this area or below")
    view.add_argument("--since", help="ISO date: count incidents from then (default 12 months ago)")
    view.add_argument("--min-partnerships", type=int, default=1)
    view.add_argument("--as", dest="actor", help="who is looking (default: the login name)")
    out = view.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--csv", metavar="FILE")
    out.add_argument("--email", metavar="ADDRESS", help="send the report to a police person")
    view.set_defaults(func=run)


def _actor(args: argparse.Namespace) -> str:
    return args.actor or f"cli:{getpass.getuser()}"


def run(args: argparse.Namespace) -> int:
    # Entity resolution brings numpy and RapidFuzz: loaded when a dataview is asked for, not by every `pep`.
    from engine.services.dataview import Query, run_dataview
    from engine.services.dataview_report import email_dataview

    if args.decision:
        return run_decision(args)
    if not args.purpose or not args.purpose.strip():
        raise InvalidInput("--purpose is required: say why you are looking (every dataview run is audited)")
    with command_session() as (app, session):
        since = parse_since(args.since, app.settings.tz)
        query = Query(purpose=args.purpose.strip(), actor=_actor(args), area=args.area, since=since,
                      min_partnerships=args.min_partnerships)
        rows = run_dataview(session, app.env, query)
        if args.email:
            from engine.dates import add_months
            email_dataview(session, app.env, rows, args.email, query.purpose, query.actor,
                           since or add_months(app.clock.now(), -12))
    if args.email:
        print(f"dataview of {len(rows)} people queued for {args.email}")
    elif args.csv:
        write_csv(args.csv, rows)
        print(f"{len(rows)} people written to {args.csv}")
    elif args.json:
        json.dump(rows, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        emit([_flat(r) for r in rows], False, ["rank", "score", "names", "partnerships", "incidents", "last_seen",
                                                 "reasons"])
    return 0


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {"rank": row["rank"], "score": row["score"], "names": "; ".join(row["names"]),
            "records": "; ".join(f"{r['partnership']}:{r['ref']}" for r in row["records"]),
            "partnerships": "; ".join(row["partnerships"]), "areas": "; ".join(row["areas"]),
            "incidents": row["incidents"]["total"],
            "incidents_by_month": "; ".join(f"{m}={n}" for m, n in row["incidents"]["by_month"].items()),
            "last_seen": row["last_seen"] or "",
            "exclusions": "; ".join(f"{e['partnership']} {e['stage']} until {e['until']}" for e in row["exclusions"]),
            "reasons": "; ".join(row["reasons"]),
            "match_reasons": " | ".join(", ".join(m["reasons"]) for m in row["match_reasons"])}


def write_csv(path: str, rows: list[dict[str, Any]]) -> None:
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow(_flat(row))
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None


def run_decision(args: argparse.Namespace) -> int:
    from engine.services.match_decisions import decide  # loads entity resolution (numpy, RapidFuzz)

    words = args.decision
    if len(words) != 3 or words[0] not in ("link", "unlink"):
        raise InvalidInput("usage: pep dataview link|unlink A B (A and B: subject id or PARTNERSHIP:REF)")
    with command_session() as (app, session):
        a, b = find_subject(session, words[1]), find_subject(session, words[2])
        _row, score, reasons = decide(session, app.env, a, b, words[0], _actor(args), args.purpose or "")
        names = (a.name, b.name)
    verb = "the same person" if words[0] == "link" else "different people"
    # explain_pair scores the pair alone: the dataview may add a little for a name that is rare
    # among all the records, so its figure can be slightly higher
    print(f"recorded: {names[0]} and {names[1]} are {verb} (the pair alone scores {score:.1f}: "
          f"{'; '.join(reasons[:2])})")
    return 0
