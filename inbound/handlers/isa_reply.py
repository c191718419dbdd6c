"""A chair's reply to an ISA invitation or reminder: `I AGREE` confirms; `CHAIR new@address` hands over;
anything else changes nothing."""
from __future__ import annotations

from engine.commands.execute import run_lines
from engine.commands.parse import command_lines
from engine.models import Partnership, Person
from engine.services import isa
from engine.services.bounces import confirmed_reachable
from engine.services.command_mail import send_outcomes
from engine.services.tokens import check_token
from inbound.errors import NotUnderstood
from inbound.keywords import first_line, says_i_agree, words
from inbound.work import Work


def handle_isa_reply(work: Work) -> str:
    token = check_token(work.session, work.app.env, work.recipient.token or "", work.sender)
    person = work.session.get(Person, token.person_id)
    assert person is not None
    if words(first_line(work.new_text))[:1] == ["chair"]:
        return _hand_over(work, person, token.object_id)
    if not says_i_agree(work.new_text):
        raise NotUnderstood(understood=first_line(work.new_text)[:200], expected="I AGREE")
    evidence = {"inbound_message_id": work.row.id, "message_id": work.row.message_id_header,
                "from": work.sender, "auth": dict(work.auth), "received_at": work.row.received_at.isoformat()}
    confirmation = isa.confirm(work.session, work.app.env, token, person, work.row.id, evidence)
    confirmed_reachable(work.session, work.app.env, person, f"confirmed the ISA (inbound {work.row.id})")
    return f"ISA confirmed for partnership {confirmation.partnership_id}"


def _hand_over(work: Work, person: Person, partnership_id: int | None) -> str:
    """`CHAIR new@address` in reply to the agreement: the token proves the sender, so it runs at once
    (for the partnership the message was about) and the chair is told the outcome. The token stays
    unused: the chair may still confirm the agreement while the handover waits."""
    partnership = work.session.get(Partnership, partnership_id) if partnership_id else None
    line = command_lines(first_line(work.new_text))[0]
    if partnership is not None and ' FOR "' not in line.upper():
        line = f'{line} FOR "{partnership.name}"'
    outcomes = run_lines(work.session, work.app.env, person, [line])
    in_reply_to = f"<{work.row.message_id_header}>" if work.row.message_id_header else None
    send_outcomes(work.session, work.app.env, person, outcomes, in_reply_to)
    return f"handover: {outcomes[0].text}"
