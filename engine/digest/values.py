"""One reader's digest values from the gathered World, or None when there is nothing to say."""
from __future__ import annotations

from typing import Any

from engine.digest.audience import Reader
from engine.digest.content import LAPSING_DAYS, World
from engine.env import Env
from engine.services import gate
from engine.services.publications import CATEGORY_LABELS

ISA_DUE_DAYS = 30
SUMMARY_ROWS = 15


def variants(env: Env) -> set[str]:
    return {v.strip().lower() for v in env.settings.digest_variants.split(",") if v.strip()}


def _day(env: Env, moment: Any) -> str:
    return moment.astimezone(env.settings.tz).date().isoformat() if moment else ""


def _publications(env: Env, world: World, reader: Reader) -> dict[str, list[dict[str, Any]]]:
    """What they received that is still in force; personal data only while a partnership of theirs
    passes the gate now (active, ISA current)."""
    passes = any(pid in world.gated_partnerships for pid in reader.partnerships)
    sections: dict[str, list[dict[str, Any]]] = {"alerts": [], "news": [], "events": [], "documents": []}
    received = [world.publications[i] for i in world.received.get(reader.person_id, [])]
    for pub in sorted(received, key=lambda p: (p["starts_at"] or p["expires_at"]
                                                                                 or world.now, p["id"])):
        if gate.carries_personal_data(pub["category"]) and not passes:
            continue
        item = {"id": pub["id"], "title": pub["title"], "until": _day(env, pub["expires_at"]),
                "label": CATEGORY_LABELS.get(pub["category"], "Information"), "place": pub["place"] or "",
                "when": pub["starts_at"].astimezone(env.settings.tz).strftime("%a %d %b %Y, %H:%M")
                if pub["starts_at"] else ""}
        section = {"alert": "alerts", "news": "news", "event": "events", "meeting": "events"}.get(pub["kind"], "documents")
        sections[section].append(item)
    return sections


def _sum(series: list[list[int]], weeks: int) -> list[int]:
    return [sum(s[n] for s in series) for n in range(weeks)] if series else [0] * weeks


def _police(env: Env, world: World, reader: Reader) -> dict[str, Any]:
    paths = reader.police_paths
    mine = sorted(pid for pid, (_name, path) in world.partnership.items()
                  if any(path.startswith(p) for p in paths))
    rows = sorted(({"name": world.partnership[pid][0], "week": world.series.get(pid, [0])[-1],
                    "year": world.this_year.get(pid, 0)} for pid in mine), key=lambda r: (-r["week"], r["name"]))
    lapsing = sorted(({"name": world.partnership[pid][0], "by": _day(env, world.deadlines[pid])}
                      for pid in mine if pid in world.deadlines
                      and (world.deadlines[pid] - world.now).days <= LAPSING_DAYS), key=lambda r: r["by"])
    force_wide = "" in paths
    bounces = world.force_bounces if force_wide else sum(world.bounces.get(pid, 0) for pid in mine)
    return {"area_rows": [r for r in rows if r["week"]][:SUMMARY_ROWS], "area_week": sum(r["week"] for r in rows),
            "area_year": sum(r["year"] for r in rows), "lapsing": lapsing, "bounces": bounces,
            "series": _sum([world.series[p] for p in mine if p in world.series], len(world.week_starts))}


def reader_values(env: Env, world: World, reader: Reader) -> dict[str, Any] | None:
    """The reader's own values; None when there is nothing current for them (a chair whose ISA is due
    within ISA_DUE_DAYS always gets one, for the reminder)."""
    parts = variants(env)
    sections = _publications(env, world, reader)
    own = [world.series[p] for p in reader.partnerships if p in world.series]
    series = _sum(own, len(world.week_starts))
    values: dict[str, Any] = dict(sections)
    values.update({
        "partnerships": ", ".join(world.partnership[p][0] for p in reader.partnerships if p in world.partnership),
        "reports_week": series[-1], "reports_year": sum(world.this_year.get(p, 0) for p in reader.partnerships),
        "isa": [], "police": None, "isa_due": False})
    if "chair" in parts:
        for pid in reader.chairs:
            if pid in world.deadlines:
                days = max(0, (world.deadlines[pid] - world.now).days)
                values["isa"].append({"partnership": world.partnership[pid][0], "days": days,
                                      "by": _day(env, world.deadlines[pid]), "due": days <= ISA_DUE_DAYS,
                                      "partnership_id": pid})
        values["isa_due"] = any(item["due"] for item in values["isa"])
    if "police" in parts and reader.police_paths:
        values["police"] = police = _police(env, world, reader)
        if not reader.partnerships:
            series = police["series"]
    has_news = any(sections.values()) or values["reports_week"] > 0
    has_police = values["police"] is not None and (values["police"]["area_week"] or values["police"]["lapsing"]
                                                   or values["police"]["bounces"])
    if not (has_news or has_police or values["isa_due"]):
        return None
    values["series"] = series
    if values["police"] is not None:
        values["police"].pop("series", None)
    return values
