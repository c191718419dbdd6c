"""Which handler deals with which address or reply purpose: a table, not code."""
from __future__ import annotations

from typing import Callable

from inbound.errors import NoHandler
from inbound.handlers.bounce_report import handle_bounce
from inbound.handlers.help_request import handle_help
from inbound.handlers.exclusion_reply import handle_exclusion_reply
from inbound.handlers.isa_reply import handle_isa_reply
from inbound.handlers.admin_mail import handle_admin_mail
from inbound.handlers.command_reply import handle_command_reply
from inbound.work import Work
from inbound.handlers.alert_reply import handle_alert_reply
from inbound.handlers.draft_reply import handle_draft_reply
from inbound.handlers.publication_mail import handle_publication_mail
from inbound.handlers.withdraw_reply import handle_withdraw_reply
from inbound.handlers.report_mail import handle_report_mail
from inbound.handlers.report_reply import handle_report_reply
from inbound.handlers.digest_reply import handle_digest_reply
from inbound.handlers.review_reply import handle_review_reply

Handler = Callable[[Work], str]

HANDLERS: dict[str, Handler] = {
    "reply:isa": handle_isa_reply,
    "bounces": handle_bounce,
    "help": handle_help,
    "admin": handle_admin_mail,
    "reply:command": handle_command_reply,
    "alerts": handle_publication_mail,
    "publish": handle_publication_mail,
    "reply:draft": handle_draft_reply,
    "reply:withdraw": handle_withdraw_reply,
    "reply:alert": handle_alert_reply,
    "reply:exclusion": handle_exclusion_reply,
    "incident": handle_report_mail,
    "intel": handle_report_mail,
    "reply:report": handle_report_reply,
    "reply:digest": handle_digest_reply,
    "reply:review": handle_review_reply,
}


def handler_for(key: str) -> Handler:
    try:
        return HANDLERS[key]
    except KeyError:
        raise NoHandler(f"nothing handles {key} yet") from None


def accepted_kinds() -> frozenset[str]:
    """The address kinds intake accepts at RCPT: those something handles."""
    return frozenset(key.split(":", 1)[0] for key in HANDLERS)
