"""The chair's `EXCLUDE` and `SUBJECT` commands to admin@: parsing each, and carrying it out."""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.env import Env
from engine.errors import InvalidInput, NotFound, NotPermitted
from engine.models import Partnership, Person, Role, Subject
from engine.services.exclusions import board_ids, propose, quorum
from engine.services.subjects import add_partnership_subject, add_photo

SUBJECT_KEYS = ("ref", "name", "aliases", "born", "age", "description", "last seen")
_AGE = re.compile(r"^(\d{1,3})\s*(?:-|to)\s*(\d{1,3})$|^(\d{1,3})$")


@dataclass(frozen=True)
class ExcludeArgs:
    """`EXCLUDE <subject ref> [<months>] <reason>`."""

    subject: str
    months: int | None
    reason: str


@dataclass(frozen=True)
class Photo:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class SubjectArgs:
    """A `SUBJECT` block: `Key: value` lines after the command line."""

    name: str
    ref: str | None = None
    aliases: tuple[str, ...] = ()
    born: date | None = None
    age_range: tuple[int, int] | None = None
    description: str = ""
    last_seen: date | None = None
    photos: tuple[Photo, ...] = field(default=())


def parse_exclude(line: str) -> ExcludeArgs:
    """`EXCLUDE R123 6 Shoplifting and abuse`, `exclude "R 12" threats`; months may be left out."""
    try:
        words = shlex.split(line.strip())
    except ValueError:
        raise InvalidInput("unbalanced quotes in EXCLUDE") from None
    if not words or words[0].upper() != "EXCLUDE":
        raise InvalidInput("not an EXCLUDE command")
    if len(words) < 3:
        raise InvalidInput("EXCLUDE needs a subject reference and a reason: EXCLUDE <ref> [<months>] <reason>")
    subject, rest = words[1], words[2:]
    months = None
    if rest[0].isdigit():
        months = int(rest[0])
        rest = rest[1:]
    if not rest:
        raise InvalidInput("EXCLUDE needs a reason after the months")
    return ExcludeArgs(subject, months, " ".join(rest))


def _chair_partnerships(session: Session, person: Person) -> list[Partnership]:
    return list(session.scalars(select(Partnership).join(Role, Role.partnership_id == Partnership.id).where(
        Role.person_id == person.id, Role.role == "chair", Role.ended_at.is_(None))))


def run_exclude(session: Session, env: Env, sender: Person, args: ExcludeArgs) -> str:
    """Open the proposal for the sender's partnership; the answer line says what happens next."""
    chaired = _chair_partnerships(session, sender)
    if not chaired:
        raise NotPermitted("only a partnership's chair may propose an exclusion")
    found = list(session.scalars(select(Subject).where(Subject.partnership_id.in_([p.id for p in chaired]),
                                                       Subject.ref == args.subject)))
    if not found:
        raise NotFound(f"no subject {args.subject} in {', '.join(p.name for p in chaired)}")
    if len(found) > 1:
        raise InvalidInput(f"{args.subject} is a reference in several of your partnerships: use SUBJECT refs that differ")
    ex = propose(session, env, sender, found[0], args.months, args.reason)
    if ex.status != "proposed":
        return f"{ex.stage} of {found[0].name} ({args.subject}) is in force until {ex.ends_at.date()}; every member has been told"  # type: ignore[union-attr]
    needed = quorum(env, len(board_ids(session, ex.partnership_id)))
    return (f"{ex.stage} of {found[0].name} ({args.subject}) for {ex.months} months proposed to the board: "
            f"1 of {needed} approvals; members reply APPROVE by {ex.proposal_expires_at.date()}")


def _date(value: str, key: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{key}: {value!r} is not a date (YYYY-MM-DD)") from None


def parse_subject(text: str, photos: tuple[Photo, ...] = ()) -> SubjectArgs:
    """The block starting with a `SUBJECT` line; Name is required, Born or Age (e.g. 30-35) optional."""
    lines = [l.strip() for l in text.strip().splitlines()]
    if not lines or lines[0].upper() != "SUBJECT":
        raise InvalidInput("not a SUBJECT block")
    values: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            break
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or key not in SUBJECT_KEYS:
            raise InvalidInput(f"line {number}: {line[:60]!r} is not one of {', '.join(k.title() for k in SUBJECT_KEYS)}")
        values[key] = value.strip()
    if not values.get("name"):
        raise InvalidInput("a SUBJECT needs a Name: line")
    if values.get("born") and values.get("age"):
        raise InvalidInput("give Born or Age, not both")
    age_range = None
    if values.get("age"):
        match = _AGE.match(values["age"])
        if not match:
            raise InvalidInput(f"Age: {values['age']!r} is not an age or a range like 30-35")
        low, high = (int(match.group(1)), int(match.group(2))) if match.group(1) else (int(match.group(3)),) * 2
        if not 10 <= low <= high <= 110:
            raise InvalidInput(f"Age: {values['age']!r} is not a plausible range")
        age_range = (low, high)
    return SubjectArgs(name=values["name"], ref=values.get("ref") or None,
                       aliases=tuple(a.strip() for a in values.get("aliases", "").split(";") if a.strip()),
                       born=_date(values["born"], "Born") if values.get("born") else None, age_range=age_range,
                       description=values.get("description", ""),
                       last_seen=_date(values["last seen"], "Last seen") if values.get("last seen") else None,
                       photos=photos)


def run_subject(session: Session, env: Env, sender: Person, args: SubjectArgs) -> str:
    """Record the subject for the chair's disc_enabled partnership, with its photos."""
    chaired = [p for p in _chair_partnerships(session, sender) if p.disc_enabled]
    if not chaired:
        raise NotPermitted("only the chair of a partnership whose members are registered may record subjects")
    if len(chaired) > 1:
        raise InvalidInput("you chair several partnerships: record subjects with the CSV import instead")
    partnership = chaired[0]
    if args.born and args.born > env.clock.now().date():
        raise InvalidInput("Born: the date is in the future")
    ref = args.ref or _next_ref(session, partnership)
    subject = add_partnership_subject(session, env, partnership, ref, args.name, aliases=list(args.aliases),
                                      born=args.born, age_range=args.age_range, description=args.description,
                                      last_seen=args.last_seen, actor=sender.email)
    for photo in args.photos:
        add_photo(session, env, subject, photo.filename, photo.content_type, photo.data)
    pictures = f" with {len(args.photos)} photo{'s' if len(args.photos) != 1 else ''}" if args.photos else ""
    return f"subject {subject.name} recorded for {partnership.name} as {ref}{pictures}"


def _next_ref(session: Session, partnership: Partnership) -> str:
    count = len(list(session.scalars(select(Subject.id).where(Subject.partnership_id == partnership.id))))
    ref = f"S{count + 1}"
    while session.scalar(select(Subject.id).where(Subject.partnership_id == partnership.id, Subject.ref == ref)):
        count += 1
        ref = f"S{count + 1}"
    return ref
