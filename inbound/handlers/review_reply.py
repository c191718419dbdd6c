"""The owning officer's answer to a review reminder: RETAIN <months> <reason> or DISPOSE."""
from __future__ import annotations

from engine.errors import NotFound
from engine.models import Subject
from engine.retention.review import apply_decision, parse_decision
from engine.services.outbox import queue_message
from engine.services.tokens import check_token, use_token
from inbound.errors import NotUnderstood
from inbound.keywords import first_line
from inbound.work import Work


def handle_review_reply(work: Work) -> str:
    env = work.app.env
    token = check_token(work.session, env, work.recipient.token or "", work.sender)
    subject = work.session.get(Subject, token.object_id)
    if subject is None:
        raise NotFound("the record this review was for no longer exists")
    assert work.person is not None  # check_token matched the sender to the token's person
    line = first_line(work.new_text)
    decision = parse_decision(env, line)
    if decision is None:
        raise NotUnderstood(understood=line[:200], expected="RETAIN <months> <reason>, or DISPOSE")
    outcome = apply_decision(work.session, env, work.person, subject, decision)
    use_token(work.session, env, token)
    queue_message(work.session, env, "police.review.outcome", {
        "person_name": work.person.name or work.person.email, "ref": subject.ref, "outcome": outcome},
        person=work.person)
    return f"review of subject {subject.id}: {outcome}"
