"""What each admin command does, once parsed and in the sender's scope; each returns its outcome line."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.commands.scope import Scope, require_area, which_partnership
from engine.env import Env
from engine.errors import Conflict, NotPermitted
from engine.models import Area, IsaConfirmation, Partnership, Role, StoredFile
from engine.commands.parse import BLOCK_JOIN
from engine.services.admin_subjects import Photo, parse_exclude, parse_subject, run_exclude, run_subject
from engine.services.areas import find_area
from engine.services.audit import record
from engine.services.handover import pending_handover, request_handover
from engine.services.members import add_member, remove_member
from engine.services.partnerships import invite
from engine.services.people import ensure_person, grant_role


@dataclass(frozen=True)
class Context:
    """What a command runs with: the session, the environment and the sender's scope."""

    session: Session
    env: Env
    scope: Scope

    @property
    def actor(self) -> str:
        return self.scope.person.email


def run_invite(ctx: Context, args: dict[str, str]) -> str:
    area = find_area(ctx.session, args["area"])
    require_area(ctx.scope, area)
    partnership = invite(ctx.session, ctx.env, args["name"], args["type"], area.name, args["email"],
                         disc="disc" in args, invited_by=ctx.actor)
    return f"{partnership.name} invited; the agreement is on its way to {args['email'].lower()}"


def run_chair(ctx: Context, args: dict[str, str]) -> str:
    partnership = which_partnership(ctx.session, ctx.scope, args.get("partnership"))
    handover = request_handover(ctx.session, ctx.env, partnership, args["email"], ctx.scope.person)
    until = handover.expires_at.astimezone(ctx.env.settings.tz).date().isoformat()
    return (f"{args['email'].lower()} has been sent the agreement to take over {partnership.name}; "
            f"the current chair stays until they agree (by {until})")


def run_add_member(ctx: Context, args: dict[str, str]) -> str:
    partnership = which_partnership(ctx.session, ctx.scope, args.get("partnership"))
    person = add_member(ctx.session, ctx.env, partnership, args["email"], args.get("name", ""), ctx.actor)
    return f"{person.email} added to {partnership.name} and sent a welcome"


def run_remove_member(ctx: Context, args: dict[str, str]) -> str:
    partnership = which_partnership(ctx.session, ctx.scope, args.get("partnership"))
    person = remove_member(ctx.session, ctx.env, partnership, args["email"], ctx.actor)
    return f"{person.email} removed from {partnership.name}; they receive nothing more from it"


def run_coordinator(ctx: Context, args: dict[str, str]) -> str:
    if not ctx.scope.admin:
        raise NotPermitted("only an admin may name coordinators")
    return _area_role(ctx, "coordinator", args)


def run_officer(ctx: Context, args: dict[str, str]) -> str:
    return _area_role(ctx, "officer", args)


def _area_role(ctx: Context, role: str, args: dict[str, str]) -> str:
    area = find_area(ctx.session, args["area"])
    require_area(ctx.scope, area)
    person = ensure_person(ctx.session, ctx.env, args["email"], actor=ctx.actor)
    if ctx.session.scalar(select(Role.id).where(Role.person_id == person.id, Role.role == role,
                                                Role.area_id == area.id, Role.ended_at.is_(None))) is not None:
        raise Conflict(f"{person.email} is already {role} for {area.name}")
    grant_role(ctx.session, ctx.env, person, role, area=area, actor=ctx.actor)
    return f"{person.email} is now {role} for {area.name}"


def run_authoring(ctx: Context, args: dict[str, str]) -> str:
    # Consent for police to write to every member is the partnership's to give: chairs only.
    partnership = which_partnership(ctx.session, ctx.scope, args.get("partnership"), chair_only=True)
    wanted = args["state"].upper() == "ON"
    if partnership.authoring_agreed != wanted:
        partnership.authoring_agreed = wanted
        record(ctx.session, ctx.env, ctx.actor, "partnership.authoring", "partnership", partnership.id,
               authoring_agreed=wanted)
    return (f"police may {'now' if wanted else 'no longer'} publish straight to all members of "
            f"{partnership.name}")


def run_status(ctx: Context, args: dict[str, str]) -> str:
    """One line per thing the sender manages."""
    parts: list[str] = []
    if ctx.scope.admin:
        counts = dict(ctx.session.execute(select(Partnership.status, func.count()).group_by(Partnership.status)).all())
        parts.append("force-wide: " + (", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no partnerships"))
    for area in ctx.scope.areas:
        counts = dict(ctx.session.execute(
            select(Partnership.status, func.count()).join(Area, Area.id == Partnership.area_id)
            .where(Area.path.startswith(area.path)).group_by(Partnership.status)).all())
        parts.append(f"{area.name}: " + (", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
                                         or "no partnerships"))
    for partnership in ctx.scope.chaired:
        parts.append(_partnership_status(ctx, partnership))
    if not parts:
        return "you manage nothing in PEP"
    return "; ".join(parts)


def _partnership_status(ctx: Context, partnership: Partnership) -> str:
    latest = ctx.session.scalar(select(IsaConfirmation).where(IsaConfirmation.partnership_id == partnership.id)
                                .order_by(IsaConfirmation.id.desc()).limit(1))
    members = ctx.session.scalar(select(func.count()).select_from(Role).where(
        Role.partnership_id == partnership.id, Role.role == "member", Role.ended_at.is_(None)))
    text = f"{partnership.name}: {partnership.status}"
    if latest is not None:
        text += f", agreement confirmed until {latest.expires_at.astimezone(ctx.env.settings.tz).date().isoformat()}"
    if partnership.disc_enabled:
        text += f", {members} member{'s' if members != 1 else ''}"
    text += f", police authoring {'on' if partnership.authoring_agreed else 'off'}"
    if pending_handover(ctx.session, ctx.env, partnership.id) is not None:
        text += ", a chair handover is waiting for agreement"
    return text


Runner = Callable[[Context, dict[str, str]], str]

# Verb name (engine.commands.parse.VERBS) -> what it does; new verbs are appended.
def run_exclude_line(ctx: Context, args: dict[str, str]) -> str:
    """EXCLUDE: the chair proposes an exclusion to their partnership's board (engine.services.exclusions)."""
    return run_exclude(ctx.session, ctx.env, ctx.scope.person, parse_exclude(f"EXCLUDE {args['rest']}"))


def run_subject_line(ctx: Context, args: dict[str, str]) -> str:
    """SUBJECT: the chair records a subject for their partnership; photos sent with the message come
    along as stored files named in a `Photos:` part."""
    parts, photo_ids = [], []
    for part in args["rest"].split(BLOCK_JOIN):
        key, _, value = part.partition(":")
        if key.strip().lower() == "photos":
            photo_ids = [int(v) for v in value.split(",") if v.strip().isdigit()]
        else:
            parts.append(part)
    stored = [ctx.session.get(StoredFile, i) for i in photo_ids]
    photos = tuple(Photo(f.filename, f.content_type, f.data or b"") for f in stored if f is not None)
    outcome = run_subject(ctx.session, ctx.env, ctx.scope.person, parse_subject("SUBJECT\n" + "\n".join(parts), photos))
    for held in stored:  # copied onto the subject: the copies held for the CONFIRM are no longer needed
        if held is not None and held.subject_id is None and held.report_id is None and held.publication_id is None:
            ctx.session.delete(held)
    return outcome


RUNNERS: dict[str, Runner] = {
    "invite": run_invite,
    "chair": run_chair,
    "add_member": run_add_member,
    "remove_member": run_remove_member,
    "coordinator": run_coordinator,
    "officer": run_officer,
    "authoring": run_authoring,
    "status": run_status,
    "exclude": run_exclude_line,
    "subject": run_subject_line,
}
