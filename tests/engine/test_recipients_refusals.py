"""Send-time refusals: suppressed addresses always, people with no current role for bulk mail."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from engine.app import App
from engine.models import Person, Role
from engine.services.people import ensure_person
from engine.services.recipients import refusals

SUPPRESSED = "the address is suppressed after bounces"
LEFT = "the person has left (no current role)"


def _person(app: App, session: Session, email: str, roles: int = 1, ended: int = 0, suppressed: bool = False) -> Person:
    person = ensure_person(session, app.env, email)
    now = app.clock.now()
    for i in range(roles + ended):
        session.add(Role(person_id=person.id, role="member", started_at=now - timedelta(days=10),
                         ended_at=now - timedelta(days=1) if i >= roles else None))
    if suppressed:
        person.suppressed_at = now
    session.flush()
    return person


def test_refusals_name_suppressed_and_departed_people_only(app: App) -> None:
    with app.sessions() as session:
        ok = _person(app, session, "ok@example.org", roles=2, ended=1)
        gone = _person(app, session, "gone@example.org", roles=0, ended=2)
        never = _person(app, session, "never@example.org", roles=0)
        bounced = _person(app, session, "bounced@example.org", suppressed=True)
        bounced_gone = _person(app, session, "bounced.gone@example.org", roles=0, ended=1, suppressed=True)
        session.commit()
        everyone = [ok.id, gone.id, never.id, bounced.id, bounced_gone.id, ok.id]

        assert refusals(session, everyone, bulk=True) == {gone.id: LEFT, never.id: LEFT, bounced.id: SUPPRESSED,
                                                          bounced_gone.id: SUPPRESSED}
        assert refusals(session, everyone, bulk=False) == {bounced.id: SUPPRESSED, bounced_gone.id: SUPPRESSED}
        assert refusals(session, [ok.id], bulk=True) == {}
        assert refusals(session, [gone.id], bulk=False) == {}
        assert refusals(session, [], bulk=True) == {}
        assert refusals(session, [999_999], bulk=True) == {}
