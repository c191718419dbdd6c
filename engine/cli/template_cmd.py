"""`pep template list|preview`: the message kinds, and one rendered to HTML for a browser."""
from __future__ import annotations

import argparse
import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from engine.app import App
from engine.errors import InvalidInput, NotFound
from engine.settings import load_settings
from outbound.branding import Branding
from outbound.render import Renderer, TemplateError

SAMPLES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "templates" / "samples.toml"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("template", help="message templates").add_subparsers(dest="verb", required=True)
    listing = group.add_parser("list", help="the message kinds")
    listing.set_defaults(func=run_list)
    preview = group.add_parser("preview", help="write one kind's HTML, filled with sample values")
    preview.add_argument("name", help="the message kind, e.g. chair.isa.invitation")
    preview.add_argument("--out", help="HTML file to write (default NAME.html)")
    preview.add_argument("--values", help="JSON file of values to use instead of the samples")
    preview.set_defaults(func=run_preview)


def renderer() -> Renderer:
    settings = load_settings()
    folder = Path(settings.templates_dir) if settings.templates_dir else App.templates_dir_default()
    return Renderer(folder, Branding(force_name=settings.force_name, domain=settings.domain))


def run_list(_args: argparse.Namespace) -> int:
    for kind in renderer().kinds():
        print(kind)
    return 0


def run_preview(args: argparse.Namespace) -> int:
    templates = renderer()
    if args.name not in templates.kinds():
        raise NotFound(f"no message kind {args.name!r} (see pep template list)")
    values = _values_file(Path(args.values)) if args.values else _samples(args.name)
    out = Path(args.out or f"{args.name}.html")
    try:
        templates.preview(args.name, values, out)
    except TemplateError as error:
        raise InvalidInput(str(error)) from None
    except OSError as error:
        raise InvalidInput(f"cannot write {out}: {error.strerror or error}") from None
    print(f"wrote {out}")
    return 0


def _values_file(path: Path) -> dict[str, Any]:
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{path} is not JSON: line {error.lineno}: {error.msg}") from None
    if not isinstance(values, dict):
        raise InvalidInput(f"{path} must hold one JSON object of values")
    return values


def _samples(kind: str) -> dict[str, Any]:
    if not SAMPLES.is_file():
        raise InvalidInput(f"no sample values here; give --values FILE.json for {kind}")
    kinds = tomllib.loads(SAMPLES.read_text(encoding="utf-8")).get("kinds", {})
    if kind not in kinds:
        raise InvalidInput(f"no sample values for {kind}; give --values FILE.json")
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in kinds[kind].items()}
