"""The help@ command table: each line gets an outcome; unknown or malformed lines say why and change nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.app import App
from engine.models import Person
from engine.services.areas import add_area
from engine.services.partnerships import invite
from inbound.help_commands import COMMANDS, CommandContext, command_lines, run_commands

CHAIR = "chair@kemptown.example"

# (message text, expected outcome fragments in order, (digest_on, unsubscribed) afterwards)
CASES = [
    ("DIGEST OFF", ["no longer get the weekly digest"], (False, False)),
    ("digest off.\n\ndigest   OFF!", ["no longer get", "already off"], (False, False)),
    ("Unsubscribe", ["police alerts. To come back, send SUBSCRIBE or DIGEST ON"], (True, True)),
    ("UNSUBSCRIBE\nDIGEST ON", ["unsubscribed", "weekly digest again"], (True, False)),
    ("unsubscribe\nsubscribe", ["unsubscribed", "welcome back"], (True, False)),
    ("DIGEST OFF - closing for refurbishment until January", ["no longer get"], (False, False)),
    ("UNSUBSCRIBE my colleague bob@example.org", ["takes nothing after it"], (True, False)),
    ("please call me", ["Not a command we know"], (True, False)),
    ("Hi,\nSTATUS\nThanks", ["chair of Kemptown Traders: invited.\nThe weekly digest is on"], (True, False)),
    ("HELP", ["listed below"], (True, False)),
    ("I don't want to unsubscribe", ["Not a command we know"], (True, False)),
]


@pytest.fixture
def chair(app: App) -> int:
    with app.sessions() as session:
        add_area(session, app.env, "Brighton East")
        invite(session, app.env, "Kemptown Traders", "shopwatch", "Brighton East", CHAIR, chair_name="Sam Chair")
        session.commit()
        return int(session.scalar(select(Person.id).where(Person.email == CHAIR)))  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "fragments", "state"), CASES, ids=[c[0][:24] for c in CASES])
def test_each_line_is_answered_and_only_known_commands_change_anything(app: App, chair: int, text: str,
                                                                       fragments: list[str],
                                                                       state: tuple[bool, bool]) -> None:
    # Given a registered chair
    with app.sessions() as session:
        person = session.get(Person, chair)
        assert person is not None
        # When their message's lines are run
        results = run_commands(CommandContext(session, app.env, person), text)
        session.commit()
        # Then there is one outcome per command line, saying what happened
        assert len(results) == len(fragments)
        for result, fragment in zip(results, fragments):
            assert fragment.lower() in result.outcome.lower()
        # And the person's choices are as the commands left them
        assert (person.digest_on, person.unsubscribed_at is not None) == state


def test_greetings_and_blank_lines_are_not_commands() -> None:
    # Given a message with a greeting, blank lines and a sign-off / Then only the command lines remain
    assert command_lines("Hello,\n\n  STATUS  \n\n--\nKind regards\n") == ["STATUS"]


def test_every_verb_in_the_table_has_a_usage_and_a_meaning() -> None:
    # Given the command table / Then each verb is unique and documented for the help reply
    verbs = [c.verb for c in COMMANDS]
    assert len(verbs) == len(set(verbs))
    # The usage starts with the verb; a verb that takes arguments shows a placeholder after it
    assert all(c.usage and c.meaning and c.usage.lower().startswith(" ".join(c.verb)) for c in COMMANDS)
    assert all(c.usage.lower() == " ".join(c.verb) for c in COMMANDS if not c.takes_arguments)


def test_more_than_twenty_lines_are_not_all_run(app: App, chair: int) -> None:
    with app.sessions() as session:
        person = session.get(Person, chair)
        assert person is not None
        # When someone sends 30 command lines
        results = run_commands(CommandContext(session, app.env, person), "HELP\n" * 30)
    # Then 20 are run and the rest reported once
    assert len(results) == 21 and "first 20 lines" in results[-1].outcome
