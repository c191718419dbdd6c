"""Import a partnership's subjects from CSV: every bad row reported by line, the good rows imported whole."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import InvalidInput
from engine.models import Partnership, Subject
from engine.services.audit import record
from engine.services.subjects import add_partnership_subject

COLUMNS = ("ref", "name", "aliases", "date_of_birth", "description", "last_seen")
MAX_REF = 60
MAX_NAME = 200


@dataclass
class ImportReport:
    """What happened to each data line: imported refs, and (line number, reason) for each rejected one."""

    imported: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    line: int
    ref: str
    name: str
    aliases: list[str]
    born: date | None
    description: str
    last_seen: date | None


def _date(text: str, column: str, today: date) -> date | None:
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a date (YYYY-MM-DD)") from None
    if value > today:
        raise ValueError(f"{column} {text} is in the future")
    if value.year < 1900:
        raise ValueError(f"{column} {text} is too long ago")
    return value


def parse_row(line: int, cells: dict[str, str | None], today: date) -> Row:
    """One row checked; ValueError says what is wrong with it."""
    if None in cells.values() or cells.get(None) is not None:  # type: ignore[call-overload]
        raise ValueError(f"expected {len(COLUMNS)} columns")
    values = {k: (v or "").strip() for k, v in cells.items() if k is not None}
    ref, name = values["ref"], " ".join(values["name"].split())
    if not ref:
        raise ValueError("ref is empty")
    if len(ref) > MAX_REF or any(c.isspace() for c in ref):
        raise ValueError(f"ref {ref!r} must be one word of at most {MAX_REF} characters")
    if not name:
        raise ValueError("name is empty")
    if len(name) > MAX_NAME:
        raise ValueError(f"name is longer than {MAX_NAME} characters")
    born = _date(values["date_of_birth"], "date_of_birth", today)
    last_seen = _date(values["last_seen"], "last_seen", today)
    if born and last_seen and last_seen < born:
        raise ValueError("last_seen is before date_of_birth")
    aliases = [" ".join(a.split()) for a in values["aliases"].split(";") if a.strip()]
    return Row(line, ref, name, aliases, born, values["description"], last_seen)


def read_rows(text: str, today: date) -> tuple[list[Row], list[tuple[int, str]]]:
    """Good rows and (line, reason) for bad ones; a wrong header rejects the whole file."""
    reader = csv.DictReader(io.StringIO(text), restkey=None, restval=None)  # type: ignore[arg-type]
    header = tuple((name or "").strip().lower() for name in (reader.fieldnames or ()))
    if header != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        extra = [c for c in header if c not in COLUMNS]
        detail = "; ".join(filter(None, [f"missing {', '.join(missing)}" if missing else "",
                                         f"unknown {', '.join(extra)}" if extra else ""])) or "columns out of order"
        raise InvalidInput(f"line 1: the columns must be {','.join(COLUMNS)} ({detail})")
    reader.fieldnames = list(COLUMNS)
    good: list[Row] = []
    bad: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any((v or "").strip() for k, v in cells.items() if k is not None):
            continue
        try:
            row = parse_row(line, cells, today)  # type: ignore[arg-type]
        except ValueError as exc:
            bad.append((line, str(exc)))
            continue
        if row.ref in seen:
            bad.append((line, f"ref {row.ref} repeats line {seen[row.ref]}"))
            continue
        seen[row.ref] = line
        good.append(row)
    return good, bad


def import_subjects(session: Session, env: Env, partnership: Partnership, data: bytes, actor: str = "cli") -> ImportReport:
    """Check every row first, then add the good ones in the caller's transaction (all or, on error, none)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text") from None
    today = env.clock.now().astimezone(env.settings.tz).date()
    rows, rejected = read_rows(text, today)
    existing = set(session.scalars(select(Subject.ref).where(Subject.partnership_id == partnership.id)))
    report = ImportReport(rejected=rejected)
    for row in rows:
        if row.ref in existing:
            report.rejected.append((row.line, f"ref {row.ref} is already recorded for {partnership.name}"))
            continue
        add_partnership_subject(session, env, partnership, row.ref, row.name, aliases=row.aliases, born=row.born,
                                description=row.description, last_seen=row.last_seen, actor=actor)
        report.imported.append(row.ref)
    report.rejected.sort()
    record(session, env, actor, "subject.imported", "partnership", partnership.id, imported=len(report.imported),
           rejected=[{"line": line, "reason": reason} for line, reason in report.rejected])
    return report
