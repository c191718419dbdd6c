"""Read admin command lines: a table of verbs, each a keyword, a pattern for its arguments and its usage."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.errors import InvalidInput

_FOR = r'(?:\s+FOR\s+"(?P<partnership>[^"]+)")?'


@dataclass(frozen=True)
class Verb:
    """A command: the words it starts with, the pattern of the whole line, how to write it."""

    name: str
    keyword: str
    pattern: re.Pattern[str]
    usage: str


def _verb(name: str, keyword: str, pattern: str, usage: str) -> Verb:
    return Verb(name, keyword, re.compile(pattern, re.IGNORECASE), usage)


# Longer keywords before shorter ones that begin the same way; new verbs are appended.
VERBS: list[Verb] = [
    _verb("invite", "INVITE",
          r'^INVITE\s+(?P<email>\S+)\s+"(?P<name>[^"]+)"\s+TYPE\s+(?P<type>\S+)\s+AREA\s+"(?P<area>[^"]+)"'
          r'(?P<disc>\s+DISC)?$',
          'INVITE chair@example.org "Partnership name" TYPE shopwatch AREA "Area name" [DISC]'),
    _verb("chair", "CHAIR", r'^CHAIR\s+(?P<email>\S+)' + _FOR + '$',
          'CHAIR new.chair@example.org [FOR "Partnership name"]'),
    _verb("add_member", "ADD MEMBER", r'^ADD\s+MEMBER\s+(?P<email>[^\s"]+)(?:\s+"(?P<name>[^"]*)")?' + _FOR + '$',
          'ADD MEMBER member@example.org ["Their name"] [FOR "Partnership name"]'),
    _verb("remove_member", "REMOVE MEMBER", r'^REMOVE\s+MEMBER\s+(?P<email>[^\s"]+)' + _FOR + '$',
          'REMOVE MEMBER member@example.org [FOR "Partnership name"]'),
    _verb("coordinator", "COORDINATOR", r'^COORDINATOR\s+(?P<email>\S+)\s+AREA\s+"(?P<area>[^"]+)"$',
          'COORDINATOR person@police.example AREA "Area name"'),
    _verb("officer", "OFFICER", r'^OFFICER\s+(?P<email>\S+)\s+AREA\s+"(?P<area>[^"]+)"$',
          'OFFICER person@police.example AREA "Area name"'),
    _verb("authoring", "AUTHORING", r'^AUTHORING\s+(?P<state>ON|OFF)' + _FOR + '$',
          'AUTHORING ON | AUTHORING OFF [FOR "Partnership name"]'),
    _verb("status", "STATUS", r'^STATUS$', "STATUS"),
    _verb("exclude", "EXCLUDE", r'^EXCLUDE\s+(?P<rest>.+)$', "EXCLUDE <subject ref> [<months>] <reason>"),
    _verb("subject", "SUBJECT", r'^SUBJECT\s+(?P<rest>.+)$',
          "SUBJECT on a line of its own, then Name:, Born: or Age:, Aliases:, Description:, Last seen: lines"),
]
# A SUBJECT block travels as one line: its `Key: value` lines joined with this.
BLOCK_JOIN = " | "


@dataclass(frozen=True)
class Command:
    """One parsed line: which verb, its named arguments, and the line as written."""

    verb: str
    line: str
    args: dict[str, str] = field(default_factory=dict)


def tidy(line: str) -> str:
    """Straight quotes for the curly ones mail clients put in, single spaces, no trailing full stop."""
    text = line.replace("\u201c", '"').replace("\u201d", '"').replace("\u00a0", " ")
    return " ".join(text.split()).rstrip(".").strip()


def command_lines(text: str) -> list[str]:
    """The non-empty lines of a message's new text, tidied; a SUBJECT block (the SUBJECT line and the
    `Key: value` lines under it, up to a blank line) becomes one line."""
    lines: list[str] = []
    block: list[str] | None = None
    for raw in text.splitlines():
        clean = tidy(raw)
        if block is not None:
            if clean and ":" in clean:
                block.append(clean)
                continue
            lines.append("SUBJECT " + BLOCK_JOIN.join(block) if block else "SUBJECT")
            block = None
        if clean.upper() == "SUBJECT":
            block = []
        elif clean:
            lines.append(clean)
    if block is not None:
        lines.append("SUBJECT " + BLOCK_JOIN.join(block) if block else "SUBJECT")
    return lines


def _starts_with(line: str, keyword: str) -> bool:
    words, wanted = line.upper().split(), keyword.split()
    return words[:len(wanted)] == wanted


def parse_line(line: str) -> Command:
    """The command on `line`; InvalidInput saying what was expected when it does not parse."""
    clean = tidy(line)
    for verb in VERBS:
        if _starts_with(clean, verb.keyword):
            match = verb.pattern.match(clean)
            if match is None:
                raise InvalidInput(f"{verb.keyword} is written like this: {verb.usage}")
            args = {k: v.strip() for k, v in match.groupdict().items() if v is not None}
            return Command(verb.name, clean, args)
    first = clean.split()[0] if clean.split() else ""
    raise InvalidInput(f"unknown command {first!r}; the commands are "
                       + ", ".join(dict.fromkeys(verb.keyword for verb in VERBS)))
