"""Write benchmark results: JSON for programs, a table in docs/benchmarks.md for people."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


def save(results: list[dict[str, Any]], machine: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps({"machine": machine, "results": results}, indent=1), encoding="utf-8")
    return path


def table(results: list[dict[str, Any]], machine: dict[str, Any]) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Last run {when} on {machine['cores']} cores, {machine['memory_gib']} GiB, {machine['cpu']}, "
             f"Python {machine['python']}.", "",
             "| workload | variant | figure | value | target | met |", "|---|---|---|---|---|---|"]
    for result in results:
        for figure in result["figures"]:
            met = "" if figure.get("met") is None else ("yes" if figure["met"] else "no")
            lines.append(f"| {result['workload']} | {result.get('variant', '')} | {figure['name']} | "
                         f"{figure['value']} {figure.get('unit', '')} | {figure.get('target', '')} | {met} |")
    return "\n".join(lines)


def update_doc(results: list[dict[str, Any]], machine: dict[str, Any]) -> None:
    """Replace the generated table in docs/benchmarks.md, keeping the prose around it."""
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{START}\n{table(results, machine)}\n{END}{tail}", encoding="utf-8")
