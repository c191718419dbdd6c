"""Every message kind renders with realistic values into a subject, a readable text part and HTML."""

from __future__ import annotations

import re
from typing import Any

import pytest

from outbound.render import Renderer

from .conftest import SAMPLES_FILE, TEMPLATES_DIR

KINDS = [
    "member.report.ack",
    "member.report.message",
    "police.report.new",
    "police.report.message",
    "any.help.reply",
    "any.reply.refused",
    "any.reply.unclear",
    "any.sender.unregistered",
    "board.exclusion.proposal",
    "chair.isa.invitation",
    "chair.isa.welcome",
    "contact.bounce.suppressed",
    "chair.isa.reminder",
    "chair.isa.new_version",
    "chair.isa.lapsed",
    "chair.isa.confirmed",
    "coordinator.partnership.lapsed",
    "chair.handover.invitation",
    "chair.handover.retired",
    "member.welcome",
    "admin.command.summary",
    "admin.command.outcome",
    "member.alert.reply.ack",
    "member.publication",
    "member.publication.withdrawn",
    "police.alert.reply",
    "police.publication.outcome",
    "police.publication.preview",
    "police.publication.sent",
    "member.exclusion.lifted",
    "member.exclusion.notice",
    "police.dataview.report",
    "any.digest",
    "any.digest.reply",
    "police.review.reminder",
    "police.review.outcome",
    "member.subject.erased",
]


def _plain_values(values: dict[str, Any]) -> list[str]:
    """The simple string values a reader must see, one line at a time."""
    found: list[str] = []
    for value in values.values():
        if isinstance(value, str):
            found.extend(line.strip() for line in value.splitlines() if line.strip())
    return found


def test_the_templates_folder_holds_exactly_the_documented_kinds(renderer: Renderer) -> None:
    # Given the project's templates folder
    # When the renderer lists the kinds
    kinds = renderer.kinds()
    # Then every kind written so far is there, and no layout or partial is mistaken for one
    assert kinds == sorted(KINDS)


def test_every_template_compiles(renderer: Renderer) -> None:
    # Given the project's templates
    # When they are all validated
    # Then no error is raised
    renderer.validate()


def test_every_kind_has_sample_values(kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given the sample file
    # Then it covers each kind, so the tests below render every template
    assert sorted(kind_samples) == sorted(KINDS), f"add samples to {SAMPLES_FILE.name}"


@pytest.mark.parametrize("kind", KINDS)
def test_text_part_reads_on_its_own(renderer: Renderer, kind_samples: dict[str, dict[str, Any]], kind: str) -> None:
    # Given realistic values for one kind
    values = kind_samples[kind]
    # When it is rendered
    rendered = renderer.render(kind, values)
    # Then the text part carries every value, no template syntax and no markup
    for expected in _plain_values(values):
        assert expected in rendered.text, expected
    assert "{{" not in rendered.text and "{%" not in rendered.text
    assert not re.search(r"</?[a-z][a-z0-9-]*[ >]", rendered.text)
    # And it ends with a footer that says why the reader got it and where to get help
    footer = rendered.text.split("\n--\n", 1)[1]
    assert "You are getting this because" in footer
    assert "help@pep.sussex.example" in footer
    assert rendered.text.endswith("\n") and "\n\n\n" not in rendered.text


@pytest.mark.parametrize("kind", KINDS)
def test_html_part_carries_the_values_and_branding(renderer: Renderer, kind_samples: dict[str, dict[str, Any]], kind: str) -> None:
    # Given realistic values for one kind
    values = kind_samples[kind]
    # When it is rendered
    rendered = renderer.render(kind, values)
    # Then the HTML shows every value (escaped as HTML), the force's name and colour
    for expected in _plain_values(values):
        assert expected.replace("&", "&amp;") in rendered.html, expected
    assert "Sussex Police" in rendered.html
    assert "#003087" in rendered.html
    assert "You are getting this because" in rendered.html
    # And no template syntax survives, and the message stays far below Gmail's clipping size
    assert "{{" not in rendered.html and "{%" not in rendered.html and "[[" not in rendered.html
    assert len(rendered.html.encode("utf-8")) < 50_000
    # And it fetches no web fonts from a third party
    assert "fonts.googleapis.com" not in rendered.html


@pytest.mark.parametrize("kind", KINDS)
def test_subject_is_one_short_line_shown_as_the_html_title(renderer: Renderer, kind_samples: dict[str, dict[str, Any]], kind: str) -> None:
    # Given realistic values for one kind
    # When it is rendered
    rendered = renderer.render(kind, kind_samples[kind])
    # Then the subject is one non-empty line of reasonable length, also used as the HTML title
    assert rendered.subject and "\n" not in rendered.subject and len(rendered.subject) < 100
    assert f"<title>{rendered.subject}</title>" in rendered.html


def test_invitation_says_exactly_what_to_reply_and_dates_read_naturally(renderer: Renderer, kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given an invitation with a reply-by date and a 12-month period
    # When it is rendered
    rendered = renderer.render("chair.isa.invitation", kind_samples["chair.isa.invitation"])
    # Then both parts ask for I AGREE, and show the date and period in plain English
    for part in (rendered.text, rendered.html):
        assert "I AGREE" in part
        assert "Friday 20 March 2026" in part
        assert "12 months" in part
    # And the agreement's paragraphs stay paragraphs in HTML
    assert "<p>1. Purpose<br>" in rendered.html
    assert "I AGREE" in rendered.subject


def test_a_one_month_period_is_singular(renderer: Renderer, kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given an invitation with a period of one month
    values = {**kind_samples["chair.isa.invitation"], "period_months": 1}
    # When it is rendered
    rendered = renderer.render("chair.isa.invitation", values)
    # Then it says "1 month", not "1 months"
    assert "lasts 1 month;" in rendered.text


def test_help_reply_lists_each_command_with_its_outcome_in_order(renderer: Renderer, kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given three commands and their outcomes
    values = kind_samples["any.help.reply"]
    # When the answer is rendered
    rendered = renderer.render("any.help.reply", values)
    # Then each command appears, followed by its outcome, in the order sent
    positions = [rendered.text.index(f"> {line['command']}") for line in values["results"]]
    assert positions == sorted(positions)
    assert "> DIGEST OFF\n  Done: you will no longer get the weekly digest." in rendered.text
    assert rendered.html.count("<tr style=") == 3


def test_help_reply_without_commands_says_so(renderer: Renderer, kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given a message to help@ with no command in it
    values = {**kind_samples["any.help.reply"], "results": []}
    # When the answer is rendered
    rendered = renderer.render("any.help.reply", values)
    # Then it says no command was found, shows no empty table, and still lists the commands
    assert "We did not find any command we know" in rendered.text
    assert "<tr style=" not in rendered.html
    assert "DIGEST OFF" in rendered.html


def test_reply_kinds_greet_without_a_name_when_none_is_known(renderer: Renderer, kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given an unclear reply from someone whose name we do not have, and an empty reply
    values = {key: value for key, value in kind_samples["any.reply.unclear"].items() if key != "person_name"}
    values["understood"] = ""
    # When the answer is rendered
    rendered = renderer.render("any.reply.unclear", values)
    # Then it greets plainly, says the reply looked empty, and what to send
    assert rendered.text.startswith("Hello,\n")
    assert "Your reply looked empty to us." in rendered.text
    assert "reply to this message with just: I AGREE" in rendered.text


def test_templates_dir_has_a_readme_for_authors() -> None:
    # Given the templates folder
    # Then it explains how Jinja and MJML work together
    readme = (TEMPLATES_DIR / "README.md").read_text(encoding="utf-8")
    assert "mj-raw" in readme and "[[" in readme
