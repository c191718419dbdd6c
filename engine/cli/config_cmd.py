"""`pep config`: every setting, its value now and what it means."""
from __future__ import annotations

import argparse
from dataclasses import asdict

from engine.cli.output import emit
from engine.settings import load_settings, setting_docs


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("config", help="show the settings in force")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    values = asdict(load_settings())
    rows = []
    for variable, default, meaning in setting_docs():
        value = values[variable.removeprefix("PEP_").lower()]
        if variable == "PEP_SECRET_KEY" and value:
            value = "(set)"
        rows.append({"variable": variable, "value": value, "default": default, "meaning": meaning})
    emit(rows, args.json, ["variable", "value", "meaning"])
    return 0
