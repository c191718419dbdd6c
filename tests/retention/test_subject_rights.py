"""`pep subject export ID` shows everything held with who received it; `pep subject erase ID --reason R`
blanks it, tells every past recipient to delete their copies, and audits the erasure."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.app import App
from engine.cli.main import main
from engine.models import AuditEvent, Broadcast, Delivery, Subject
from tests.engine.dataview_world import build_world, subject


def test_export_then_erase_with_notices_to_past_recipients(app: App, cli_env: None,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    # Given a subject excluded by Brighton Pubwatch: its members were sent the exclusion notice
    with app.sessions() as session:
        world = build_world(session, app.env)
        subject_id = subject(session, app.env, world.pubwatch, "BP-17", "Dean Carter", None).id
        session.commit()
    assert main(["exclusion", "propose", "Brighton Pubwatch:BP-17", "--by", "chair@albion.example",
                 "--reason", "assault", "--months", "6"]) == 0
    assert main(["exclusion", "approve", "1", "--by", "tom@board.example"]) == 0
    capsys.readouterr()
    with app.sessions() as session:
        recipients = set(session.scalars(select(Delivery.to_addr).where(Delivery.kind == "member.exclusion.notice")))
    assert recipients
    # When an operator exports the subject
    assert main(["subject", "export", str(subject_id)]) == 0
    data = json.loads(capsys.readouterr().out)
    # Then the record, its exclusion and the disclosure log (who received it) are all there
    assert data["subject"]["name"] == "Dean Carter" and data["exclusions"][0]["status"] == "active"
    assert {d["to"] for d in data["disclosures"] if d["kind"] == "member.exclusion.notice"} == recipients
    assert any(e["action"].startswith("exclusion.") for e in data["audit"])
    # When it is erased without a reason, Then one line, status 2, nothing changes
    assert main(["subject", "erase", str(subject_id), "--reason", " "]) == 2
    assert "needs a reason" in capsys.readouterr().err
    # When it is erased with a reason
    assert main(["subject", "erase", str(subject_id), "--reason", "subject access request upheld"]) == 0
    assert "past recipients told" in capsys.readouterr().out
    with app.sessions() as session:
        erased = session.get(Subject, subject_id)
        # Then the personal details are gone, the row stays
        assert erased is not None and erased.name == "(disposed)" and erased.disposed_at is not None
        # And everyone who received it is sent a notice to delete their copies
        told = set(session.scalars(select(Delivery.to_addr).where(Delivery.kind == "member.subject.erased")))
        assert recipients <= told
        # And PEP's own copies of the notices no longer carry the name
        notices = session.scalars(select(Broadcast).where(Broadcast.kind == "member.exclusion.notice")).all()
        assert notices and all("Dean Carter" not in json.dumps(b.context) for b in notices)
        # And the erasure is audited with its reason and whom it told, never the name
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "subject.erased"))
        assert event is not None and event.details["reason"] == "subject access request upheld"
        assert "Dean Carter" not in json.dumps(event.details)
    # When it is erased again, Then it is refused
    assert main(["subject", "erase", str(subject_id), "--reason", "again"]) == 2
    assert "already erased" in capsys.readouterr().err
