"""A chair's reply to an ISA invitation or reminder: `I AGREE` confirms; anything else changes nothing."""
from __future__ import annotations

from engine.models import Person
from engine.services import isa
from engine.services.bounces import confirmed_reachable
from engine.services.tokens import check_token
from inbound.errors import NotUnderstood
from inbound.keywords import first_line, says_i_agree
from inbound.work import Work


def handle_isa_reply(work: Work) -> str:
    token = check_token(work.session, work.app.env, work.recipient.token or "", work.sender)
    person = work.session.get(Person, token.person_id)
    assert person is not None
    if not says_i_agree(work.new_text):
        raise NotUnderstood(understood=first_line(work.new_text)[:200], expected="I AGREE")
    evidence = {"inbound_message_id": work.row.id, "message_id": work.row.message_id_header,
                "from": work.sender, "auth": dict(work.auth), "received_at": work.row.received_at.isoformat()}
    confirmation = isa.confirm(work.session, work.app.env, token, person, work.row.id, evidence)
    confirmed_reachable(work.session, work.app.env, person, f"confirmed the ISA (inbound {work.row.id})")
    return f"ISA confirmed for partnership {confirmation.partnership_id}"
