"""The help@ commands: a table from verb words to a function; new verbs are appended to COMMANDS."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Person
from engine.errors import PepError
from engine.services import library, preferences
from engine.services.person_status import describe
from inbound.keywords import words


@dataclass(frozen=True)
class CommandContext:
    """What a command may use: the session, the environment and the person who wrote."""

    session: Session
    env: Env
    person: Person
    # Files a command asks to send with the reply (references outbound/attachments.py resolves).
    attachments: list[dict[str, Any]] = field(default_factory=list)


CommandFn = Callable[[CommandContext, list[str]], str]


@dataclass(frozen=True)
class Command:
    """A verb (one or more words), how to write it, what it does, and the function that does it."""

    verb: tuple[str, ...]
    usage: str
    meaning: str
    run: CommandFn
    takes_arguments: bool = False


@dataclass(frozen=True)
class LineResult:
    """One line of the message and what became of it."""

    command: str
    outcome: str
    known: bool


MAX_LINES = 20
_COURTESY = re.compile(r"^(hi|hello|hey|dear|thanks|thank you|many thanks|cheers|regards|kind regards|"
                       r"best wishes|best|good (morning|afternoon|evening))\b", re.I)


def _help(ctx: CommandContext, args: list[str]) -> str:
    return "The commands you can send are listed below."


def _status(ctx: CommandContext, args: list[str]) -> str:
    return "\n".join(describe(ctx.session, ctx.person, ctx.env.settings.tz))


def _digest_off(ctx: CommandContext, args: list[str]) -> str:
    changed = preferences.set_digest(ctx.session, ctx.env, ctx.person, False)
    return ("Done: you will no longer get the weekly digest." if changed else "The weekly digest was already off.") \
        + " Agreement messages and alerts will still reach you. Send DIGEST ON to restart it."


def _digest_on(ctx: CommandContext, args: list[str]) -> str:
    changed = preferences.set_digest(ctx.session, ctx.env, ctx.person, True)
    return "Done: you will get the weekly digest again." if changed else "The weekly digest was already on."


def _unsubscribe(ctx: CommandContext, args: list[str]) -> str:
    changed = preferences.unsubscribe(ctx.session, ctx.env, ctx.person)
    return (("Done: you are unsubscribed." if changed else "You were already unsubscribed.")
            + " You will get no digest, news or events. Essential messages still come: the Information"
              " Sharing Agreement and its reminders, and police alerts. To come back, send SUBSCRIBE or DIGEST ON.")


def _subscribe(ctx: CommandContext, args: list[str]) -> str:
    changed = preferences.subscribe(ctx.session, ctx.env, ctx.person)
    return "Done: welcome back, you will get everything again." if changed else "You are subscribed already."


def _library(ctx: CommandContext, args: list[str]) -> str:
    return library.library_text(ctx.session, ctx.env, ctx.person)


def _send_doc(ctx: CommandContext, args: list[str]) -> str:
    if len(args) != 1 or not args[0].isdigit():
        return "Write SEND DOC and the document's number, for example SEND DOC 12 (LIBRARY lists them)."
    try:
        outcome = library.send_doc(ctx.session, ctx.env, ctx.person, int(args[0]))
    except PepError as exc:
        return f"Not sent: {exc}."
    ctx.attachments.extend(outcome.attachments)
    return outcome.text


def _events(ctx: CommandContext, args: list[str]) -> str:
    return library.events_text(ctx.session, ctx.env, ctx.person)


COMMANDS: list[Command] = [
    Command(("help",), "HELP", "this list", _help),
    Command(("status",), "STATUS", "who we think you are and what you receive", _status),
    Command(("digest", "off"), "DIGEST OFF", "stop the weekly email (DIGEST ON to restart it)", _digest_off),
    Command(("digest", "on"), "DIGEST ON", "restart the weekly email", _digest_on),
    Command(("unsubscribe",), "UNSUBSCRIBE", "stop everything that is not essential", _unsubscribe),
    Command(("subscribe",), "SUBSCRIBE", "undo UNSUBSCRIBE", _subscribe),
    Command(("library",), "LIBRARY", "the documents you can ask for, with their numbers", _library),
    Command(("send", "doc"), "SEND DOC n", "the library document number n, attached", _send_doc,
            takes_arguments=True),
    Command(("events",), "EVENTS", "upcoming events and meetings", _events),
]


def _match(line_words: list[str]) -> tuple[Command, list[str]] | None:
    """The command whose verb opens the line (the longest verb wins), and the words after it."""
    best: Command | None = None
    for command in COMMANDS:
        n = len(command.verb)
        if tuple(line_words[:n]) == command.verb and (best is None or n > len(best.verb)):
            best = command
    if best is None:
        return None
    return best, line_words[len(best.verb):]


def _set_apart(line: str, verb: tuple[str, ...]) -> bool:
    """Whether punctuation separates the verb from what follows ("DIGEST OFF - closing till May")."""
    pattern = r"^\W*" + r"\W+".join(map(re.escape, verb)) + r"(?P<gap>\W*)"
    found = re.match(pattern, line, re.I)
    return found is not None and bool(found.group("gap").strip())


def command_lines(text: str) -> list[str]:
    """The lines that may hold commands: not blank, not a greeting or sign-off."""
    lines = []
    for line in text.splitlines():
        clean = " ".join(line.split())
        if not re.search(r"\w", clean) or (_COURTESY.match(clean) and len(clean.split()) <= 4):
            continue
        lines.append(clean)
    return lines


def run_line(ctx: CommandContext, line: str) -> LineResult:
    shown = line[:200]
    found = _match(words(line))
    if found is None:
        return LineResult(shown, "Not a command we know, so nothing was done. The commands are listed below.", False)
    command, rest = found
    if rest and not command.takes_arguments and not _set_apart(line, command.verb):
        return LineResult(shown, f"{command.usage} takes nothing after it, so nothing was done. "
                                 f"Send {command.usage} on a line of its own.", False)
    return LineResult(shown, command.run(ctx, rest), True)


def run_commands(ctx: CommandContext, text: str) -> list[LineResult]:
    """Each line's outcome, in order; lines past MAX_LINES are not run and are reported once."""
    lines = command_lines(text)
    results = [run_line(ctx, line) for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        results.append(LineResult(f"({len(lines) - MAX_LINES} more lines)",
                                  f"Only the first {MAX_LINES} lines are read; send the rest in another message.",
                                  False))
    return results


def command_list() -> list[dict[str, str]]:
    """The verbs help@ knows, for the reply's list."""
    return [{"usage": c.usage, "meaning": c.meaning} for c in COMMANDS]
