"""A reply in a report's conversation: the token says which report and whether the team or the reporter speaks."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import Person, Report, ReplyToken, Role
from engine.services.report_conversation import reporter_reply, team_reply
from engine.tokens import TokenExpired, TokenInvalid, TokenWrongSender
from inbound.handlers.publication_mail import draft_files
from inbound.work import Work

POLICE_ROLES = ("officer", "coordinator", "admin")


def _is_police(work: Work, person: Person) -> bool:
    return work.session.scalar(select(Role.id).where(Role.person_id == person.id, Role.ended_at.is_(None),
                                                     Role.role.in_(POLICE_ROLES)).limit(1)) is not None


def handle_report_reply(work: Work) -> str:
    env, session = work.app.env, work.session
    now = env.clock.now()
    decoded = env.signer.decode(work.recipient.token or "", now)
    row = session.get(ReplyToken, decoded.token_id)
    if row is None or row.purpose != "report" or row.object_kind != "report":
        raise TokenInvalid("the reply address is not one PEP issued")
    if now >= row.expires_at:
        raise TokenExpired("the reply address has expired")
    report = session.get(Report, row.object_id)
    addressee = session.get(Person, row.person_id)
    sender = work.person
    if report is None or addressee is None or sender is None:
        raise TokenInvalid("the reply address is not one PEP issued")
    if row.data.get("side") == "team":
        # The team mailbox, or an officer answering from their own address for it: the reporter sees the team's name.
        if sender.id != addressee.id and not _is_police(work, sender):
            raise TokenWrongSender("the reply came from an address that is not the team's")
        return team_reply(session, env, report, sender, addressee.name or addressee.email, work.new_text,
                          draft_files(work), work.row.id)
    if sender.id != addressee.id or sender.id != report.reporter_id:
        raise TokenWrongSender("the reply came from a different address than the one we wrote to")
    return reporter_reply(session, env, report, sender, work.new_text, draft_files(work), work.row.id)
