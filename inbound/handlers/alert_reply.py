"""A member's reply to an alert: intelligence linked to the alert (the reply address names the delivery)."""
from __future__ import annotations

from engine.models import Delivery, Publication
from engine.services.alert_replies import record_alert_reply
from engine.services.publishing import MESSAGE_KIND
from engine.tokens import TokenInvalid, TokenWrongSender
from inbound.handlers.publication_mail import draft_files
from inbound.work import Work


def handle_alert_reply(work: Work) -> str:
    env = work.app.env
    decoded = env.signer.decode(work.recipient.token or "", env.clock.now())
    delivery = work.session.get(Delivery, decoded.token_id)
    if delivery is None or delivery.kind != MESSAGE_KIND or delivery.publication_id is None:
        raise TokenInvalid("the reply address is not one PEP issued")
    if work.person is None or delivery.person_id != work.person.id:
        raise TokenWrongSender("the reply came from a different address than the one we wrote to")
    publication = work.session.get(Publication, delivery.publication_id)
    assert publication is not None
    report = record_alert_reply(work.session, env, work.person, publication, work.new_text, draft_files(work),
                                work.row.id)
    return f"reply to publication {publication.id} kept as {report.ref}"
