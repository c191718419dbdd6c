"""The daily sweep disposes of exactly what is past retention, audits each disposal without its content,
and the audit hash chain still verifies afterwards (and still catches tampering)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, update

from engine.app import App
from engine.audit_chain import seal, verify
from engine.clock import FixedClock
from engine.models import AuditEvent, Delivery, InboundMessage, Person, Report, StoredFile, Subject
from engine.scheduler.tick import run_tick
from tests.digest.world import build, report

NOW = datetime(2026, 11, 28, 4, 0, tzinfo=timezone.utc)  # after the 03:00 local sweep hour, and the seeding


def _subject(session, ref: str, category: str, expired_months_ago: int, review_in: timedelta | None = None,  # type: ignore[no-untyped-def]
             owner: Person | None = None) -> Subject:
    expired = NOW - relativedelta(months=expired_months_ago)
    row = Subject(source="police", category=category, ref=ref, name=f"Name of {ref}", aliases=["Alias"],
                  description="tall, red jacket", owner_id=owner.id if owner else None,
                  expires_at=expired, created_at=expired - timedelta(days=30),
                  review_at=NOW + review_in if review_in else None)
    session.add(row)
    session.flush()
    session.add(StoredFile(subject_id=row.id, filename="photo.jpg", content_type="image/jpeg", size=3,
                           sha256="0" * 64, data=b"jpg", created_at=row.created_at))
    return row


def _inbound(session, months_ago: int, status: str = "done") -> InboundMessage:  # type: ignore[no-untyped-def]
    at = NOW - relativedelta(months=months_ago)
    row = InboundMessage(raw=b"From: a@b\r\n\r\nbody", size=20, rcpt_to="incident@pep.test", source="smtp",
                         received_at=at, digest="d" * 64, dedupe_key=f"k{months_ago}{status}", status=status,
                         next_attempt_at=at)
    session.add(row)
    session.flush()
    return row


def test_the_sweep_disposes_of_exactly_what_is_due_and_the_audit_chain_still_verifies(app: App,
                                                                                      clock: FixedClock) -> None:
    clock.set(NOW - timedelta(days=1))
    with app.sessions() as session:
        world = build(session, app.env)
        # Given subjects past and within retention (offender: 72 months after expiry, wanted: 24)
        due = [_subject(session, "OFF-OLD", "offender", 73), _subject(session, "WNT-OLD", "wanted", 25)]
        kept = [_subject(session, "OFF-NEW", "offender", 71), _subject(session, "WNT-NEW", "wanted", 23),
                # past retention, but its officer replied RETAIN: the review date holds it back
                _subject(session, "OFF-KEPT", "offender", 80, review_in=timedelta(days=60))]
        # And reports (72 months), raw inbound mail (6 months) and deliveries (24 months)
        old_report = report(session, world.east_member, None, NOW - relativedelta(months=73), 1)
        new_report = report(session, world.east_member, None, NOW - relativedelta(months=71), 2)
        session.add(StoredFile(report_id=old_report.id, filename="cctv.jpg", content_type="image/jpeg", size=3,
                               sha256="0" * 64, data=b"jpg", created_at=old_report.created_at))
        old_mail, new_mail, parked_old = _inbound(session, 7), _inbound(session, 5), _inbound(session, 8, "retry")
        for months in (25, 23):
            at = NOW - relativedelta(months=months)
            session.add(Delivery(kind="member.welcome", person_id=world.east_member.id, to_addr="x@y.example",
                                 context={"person_name": "X"}, status="sent", next_attempt_at=at, created_at=at))
        session.commit()
        ids = {"due": [s.id for s in due], "kept": [s.id for s in kept], "old_report": old_report.id,
               "new_report": new_report.id, "old_mail": old_mail.id, "new_mail": new_mail.id,
               "retrying": parked_old.id}
    # When the scheduler ticks after the sweep hour, twice
    clock.set(NOW)
    first = run_tick(app)["retention.daily"]
    assert run_tick(app)["retention.daily"] == 0
    assert first > 0
    with app.sessions() as session:
        # Then the due subjects are blanked with their photos deleted; the others are untouched
        for sid in ids["due"]:
            subject = session.get(Subject, sid)
            assert subject.disposed_at is not None and subject.name == "(disposed)" and subject.aliases == []
            assert subject.description == "" and subject.ref  # the row stays for counts
        for sid in ids["kept"]:
            assert session.get(Subject, sid).disposed_at is None and session.get(Subject, sid).name.startswith("Name")
        photos = set(session.scalars(select(StoredFile.subject_id).where(StoredFile.subject_id.is_not(None))))
        assert photos == set(ids["kept"])
        # And the old report keeps its reference but not its text or files; the newer one is untouched
        old, new = session.get(Report, ids["old_report"]), session.get(Report, ids["new_report"])
        assert old.disposed_at is not None and old.description == "" and old.ref == "PEP-T-000001"
        assert new.disposed_at is None and new.description
        assert session.scalar(select(StoredFile.id).where(StoredFile.report_id == old.id)) is None
        # And only finished raw mail past retention lost its body
        assert session.get(InboundMessage, ids["old_mail"]).raw is None
        assert session.get(InboundMessage, ids["new_mail"]).raw is not None
        assert session.get(InboundMessage, ids["retrying"]).raw is not None
        # And only the old delivery is gone
        assert [d.created_at.year for d in session.scalars(select(Delivery).where(Delivery.kind == "member.welcome"))] \
            == [(NOW - relativedelta(months=23)).year]
        # And each disposal is audited with its rule, never the content
        disposals = session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.disposed")).all()
        assert {(e.object_kind, e.object_id) for e in disposals if e.object_kind in ("subject", "report")} \
            == {("subject", ids["due"][0]), ("subject", ids["due"][1]), ("report", ids["old_report"])}
        assert any(e.details.get("rule") == "PEP_RETENTION_MONTHS offender=72" for e in disposals)
        assert not any("Name of" in str(e.details) or "gin" in str(e.details) for e in disposals)
        # And review dates were set from the review periods for records that had none
        assert session.get(Report, ids["new_report"]).review_at is not None
    # When the chain is sealed, Then it verifies
    clock.advance(timedelta(minutes=5))
    with app.sessions() as session:
        assert seal(session, clock.now()) > 0
        session.commit()
        assert verify(session).ok
        # And changing one disposal event afterwards is detected, naming it
        target = session.scalar(select(AuditEvent.id).where(AuditEvent.action == "retention.disposed").limit(1))
        session.execute(update(AuditEvent).where(AuditEvent.id == target).values(details={"rule": "none"}))
        result = verify(session)
        assert not result.ok and result.broken_id == target
