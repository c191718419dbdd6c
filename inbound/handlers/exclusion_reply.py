"""A board member's reply to an exclusion proposal: `APPROVE` counts their approval; anything else changes nothing."""
from __future__ import annotations

from engine.models import Exclusion, Person
from engine.services.exclusions import approve
from engine.services.tokens import check_token, use_token
from inbound.errors import NotUnderstood
from inbound.keywords import first_line, says
from inbound.work import Work


def handle_exclusion_reply(work: Work) -> str:
    token = check_token(work.session, work.app.env, work.recipient.token or "", work.sender)
    person = work.session.get(Person, token.person_id)
    exclusion = work.session.get(Exclusion, token.object_id)
    assert person is not None
    if exclusion is None:
        raise NotUnderstood(understood=first_line(work.new_text)[:200], expected="APPROVE")
    if not says(work.new_text, "approve"):
        raise NotUnderstood(understood=first_line(work.new_text)[:200], expected="APPROVE")
    outcome = approve(work.session, work.app.env, exclusion, person, work.row.id)
    use_token(work.session, work.app.env, token)
    return outcome
