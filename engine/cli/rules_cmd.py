"""`pep rules check|explain`: validate a rules file, and show which rule a publication or report takes."""
from __future__ import annotations

import argparse
import json
import sys

from sqlalchemy import func, select

from engine.cli.alert_cmd import read_draft
from engine.cli.context import command_session
from engine.errors import InvalidInput, NotFound
from engine.models import Area, Publication
from engine.services.audiences import audience_for, count, publication_audience
from engine.services.draft_header import split_draft
from engine.services.draft_plan import plan_draft
from engine.services.people import get_person
from engine.services.report_routing import destinations, report_facts
from engine.services.rulebook import checked_rules, report_routes
from rules.load import RulesInvalid, load_rules


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("rules", help="targeting and routing rules").add_subparsers(dest="verb", required=True)
    check = group.add_parser("check", help="validate a rules file (with the shipped rules) against the database")
    check.add_argument("file")
    check.set_defaults(func=run_check)
    explain = group.add_parser("explain", help="which rules match, and whom they reach")
    which = explain.add_mutually_exclusive_group(required=True)
    which.add_argument("--publication", type=int, help="a publication's id")
    which.add_argument("--draft", help="a draft saved as an .eml file")
    which.add_argument("--report", help='a report\'s reference (PEP-2026-000123) or a report as JSON: {"kind": "incident", "area": "…", "text": "…"}')
    explain.add_argument("--from", dest="sender", help="the draft's author (default: its From)")
    explain.set_defaults(func=run_explain)


def run_check(args: argparse.Namespace) -> int:
    try:
        ruleset = load_rules(args.file)
        with command_session() as (app, session):
            checked_rules(session, app.settings, args.file)
    except RulesInvalid as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 2
    print(f"{args.file}: ok ({len(ruleset.publications.walk())} publication routes, "
          f"{len(ruleset.reports.walk())} report routes)")
    return 0


def run_explain(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        if args.report:
            return _explain_report(session, app, args.report)
        if args.publication is not None:
            pub = session.get(Publication, args.publication)
            if pub is None:
                raise NotFound(f"no publication {args.publication}")
            audience, category, title = publication_audience(session, app.env, pub), pub.category, pub.title
            counts = count(session, app.env, audience, category, pub)
        else:
            subject, text, from_addr, _files = read_draft(args.draft)
            sender = get_person(session, args.sender or from_addr or "")
            address = "publish" if "kind" in split_draft(text).fields else "alerts"
            plan = plan_draft(session, app.env, sender, address, split_draft(text))
            for error in plan.errors:
                print(f"error: {error}")
            audience = audience_for(session, app.env, plan.kind, plan.category, plan.reach, plan.types,
                                    plan.areas, sender.id)
            category, title = plan.category, subject
            counts = count(session, app.env, audience, category)
        print(f"{title} ({category})")
        for route in audience.routes:
            print(f"rule: {route.name} ({route.file}:{route.line}) -> {', '.join(route.receivers)}"
                  f"{' (onward sharing)' if route.onward else ''}")
        for p in counts.partnerships:
            print(f"  {p['name']} ({p['type']}, {p['area']}): {p['recipients']}")
        if counts.held_back:
            print(f"held back by the gate or with nobody to receive: {', '.join(counts.held_back)}")
        print(f"{len(counts.partnerships)} partnerships, {counts.recipients} recipients")
    return 0


def _explain_report(session, app, text: str) -> int:  # type: ignore[no-untyped-def]
    if text.strip().upper().startswith("PEP-"):
        text = _stored_report_json(session, text)
    try:
        report = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"--report is not JSON: {exc.msg}") from None
    area = None
    if report.get("area"):
        area = session.scalar(select(Area).where(func.lower(Area.name) == str(report["area"]).lower()))
        if area is None:
            raise NotFound(f"unknown area {report['area']!r}")
    routes = report_routes(checked_rules(session, app.settings),
                           report_facts(session, str(report.get("kind", "incident")), area,
                                        str(report.get("text", "")), bool(report.get("reply_to_alert"))))
    for route in routes:
        print(f"rule: {route.name} ({route.file}:{route.line}) -> {', '.join(route.receivers)}")
    for destination in destinations(session, routes, area, None):
        print(f"  {destination.label} <{destination.email}>")
    return 0


def _stored_report_json(session, ref: str) -> str:  # type: ignore[no-untyped-def]
    """A stored report's routing facts, as the JSON --report takes."""
    from engine.services.report_views import find_report  # noqa: PLC0415 - only this path needs it
    report = find_report(session, ref)
    area = session.get(Area, report.area_id) if report.area_id else None
    return json.dumps({"kind": report.kind, "area": area.name if area else None,
                       "text": "\n".join(filter(None, (report.where_text, report.who_text, report.description))),
                       "reply_to_alert": report.publication_id is not None})
