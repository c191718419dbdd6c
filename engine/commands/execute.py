"""Run command lines for a person: each line on its own, so a refused line changes nothing and the rest still run."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy.orm import Session

from engine.commands.parse import parse_line
from engine.commands.scope import scope_of
from engine.commands.verbs import RUNNERS, Context
from engine.env import Env
from engine.errors import PepError
from engine.models import Person
from engine.queue.wakeups import pending_wakeups, restore_wakeups
from engine.services.audit import record


@dataclass(frozen=True)
class Outcome:
    """One line and what became of it."""

    line: str
    done: bool
    text: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "done": self.done, "outcome": self.text}


def run_lines(session: Session, env: Env, person: Person, lines: Sequence[str]) -> list[Outcome]:
    """Outcomes in line order. A line that does not parse, is outside the sender's scope or clashes
    is rolled back alone (its savepoint) with the reason; the caller commits the rest."""
    outcomes = []
    for line in lines:
        # A savepoint rollback drops the whole session's pending wake-ups; keep the earlier lines' ones.
        pending = pending_wakeups(session)
        try:
            with session.begin_nested():
                command = parse_line(line)
                scope = scope_of(session, person)
                outcomes.append(Outcome(command.line, True, RUNNERS[command.verb](Context(session, env, scope),
                                                                                  command.args)))
        except PepError as exc:
            restore_wakeups(session, pending)
            outcomes.append(Outcome(line, False, str(exc)))
            # Outside the rolled-back savepoint, so the refusal is kept: who tried what, and why not.
            record(session, env, person.email, "command.refused", "person", person.id, line=line[:500],
                   reason=str(exc)[:500], error=type(exc).__name__)
    return outcomes
