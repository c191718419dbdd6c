"""A reply to the weekly digest is not a report: the sender is told where reports go, and nothing else happens."""
from __future__ import annotations

from engine.digest.build import KIND
from engine.models import Delivery
from engine.services.outbox import queue_message
from engine.tokens import TokenInvalid, TokenWrongSender
from inbound.work import Work

ANSWER_KIND = "any.digest.reply"


def handle_digest_reply(work: Work) -> str:
    env = work.app.env
    decoded = env.signer.decode(work.recipient.token or "", env.clock.now())
    delivery = work.session.get(Delivery, decoded.token_id)
    if delivery is None or delivery.kind != KIND:
        raise TokenInvalid("the reply address is not one PEP issued")
    if work.person is None or delivery.person_id != work.person.id:
        raise TokenWrongSender("the reply came from a different address than the one we wrote to")
    # An answer per reply could loop with a careless auto-responder; automatic mail never reaches a
    # handler (steps drop it), and the answer itself carries no reply address.
    queue_message(work.session, env, ANSWER_KIND, {}, person=work.person,
                  in_reply_to=f"<{work.row.message_id_header}>" if work.row.message_id_header else None)
    return f"digest reply from {work.person.email}: told to use incident@ or intel@"
