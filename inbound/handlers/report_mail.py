"""Mail to incident@ or intel@: a report, acknowledged and routed in this same pass."""
from __future__ import annotations

from engine.queue.wakeups import keep_here
from engine.services.outbox import OUTBOUND_QUEUE
from engine.services.reports import file_report
from inbound.handlers.publication_mail import draft_files
from inbound.work import Work


def handle_report_mail(work: Work) -> str:
    assert work.parsed is not None and work.person is not None
    # The acknowledgement and the team copies are sent by this worker right after its commit: no queue round
    # trip, one claim and one record for all of them.
    keep_here(work.session, OUTBOUND_QUEUE)
    report = file_report(work.session, work.app.env, work.person, work.recipient.kind, work.new_text,
                         draft_files(work), work.row.id, work.row.received_at)
    where = ", ".join(report.routing["to"]) or "no team (kept for an operator)"
    return f"{report.kind} report {report.ref} acknowledged and routed to {where}"
