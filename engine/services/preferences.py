"""What a person chooses to receive: the weekly digest, and everything that is not essential."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Person
from engine.services.audit import record


def set_digest(session: Session, env: Env, person: Person, on: bool) -> bool:
    """Turn the digest on or off; turning it on also ends an unsubscription. True when something changed."""
    changed = person.digest_on != on or (on and person.unsubscribed_at is not None)
    person.digest_on = on
    if on:
        person.unsubscribed_at = None
    if changed:
        record(session, env, person.email, "person.digest", "person", person.id, digest_on=on)
    return changed


def unsubscribe(session: Session, env: Env, person: Person) -> bool:
    """Stop everything that is not essential (the digest, news, events); ISA and alert mail still go."""
    if person.unsubscribed_at is not None:
        return False
    person.unsubscribed_at = env.clock.now()
    record(session, env, person.email, "person.unsubscribed", "person", person.id)
    return True


def subscribe(session: Session, env: Env, person: Person) -> bool:
    """Undo an unsubscription (the digest setting is left as it is)."""
    if person.unsubscribed_at is None:
        return False
    person.unsubscribed_at = None
    record(session, env, person.email, "person.subscribed", "person", person.id)
    return True
