"""Values written by users or operators can never add markup, template code or extra lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from outbound.branding import Branding
from outbound.render import Renderer, TemplateError

from .conftest import TEMPLATES_DIR

HOSTILE = "<script>alert('x')</script> {{ 7*7 }} {% if true %}yes{% endif %}"


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("chair.isa.invitation", "person_name"),
        ("chair.isa.invitation", "isa_text"),
        ("any.reply.unclear", "understood"),
        ("any.reply.refused", "reason"),
        ("any.sender.unregistered", "contact"),
    ],
)
def test_user_values_are_shown_as_text_in_html(renderer: Renderer, kind_samples: dict[str, dict[str, Any]], kind: str, field: str) -> None:
    # Given a value containing a script tag and Jinja syntax
    values = {**kind_samples[kind], field: HOSTILE}
    # When the message is rendered
    rendered = renderer.render(kind, values)
    # Then the HTML shows it escaped, and the Jinja syntax is not evaluated
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "{{ 7*7 }}" in rendered.html and "49" not in rendered.html
    assert "{% if true %}yes{% endif %}" in rendered.html
    # And the text part shows it exactly as written
    assert HOSTILE in rendered.text


def test_help_outcomes_are_escaped_inside_table_rows(renderer: Renderer, kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given a command line that a user typed containing markup
    values = {**kind_samples["any.help.reply"], "results": [{"command": "<b>STATUS</b>", "outcome": HOSTILE}]}
    # When the answer is rendered
    rendered = renderer.render("any.help.reply", values)
    # Then neither the command nor the outcome becomes markup
    assert "<b>STATUS</b>" not in rendered.html and "&lt;b&gt;STATUS&lt;/b&gt;" in rendered.html
    assert "<script>" not in rendered.html


def test_subject_values_cannot_add_lines(renderer: Renderer, kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given a partnership name with CR/LF and a Unicode line separator (it is in the subject)
    values = {**kind_samples["chair.isa.welcome"], "partnership_name": "Hove\r\nBcc: x@example.com\u2028Shopwatch"}
    # When the message is rendered
    rendered = renderer.render("chair.isa.welcome", values)
    # Then the subject is one line with the breaks turned into spaces
    assert rendered.subject == "Hove Bcc: x@example.com Shopwatch is now active"


def test_branding_text_with_template_syntax_stays_inert(tmp_path: Path, kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given a force name that contains Jinja and HTML syntax
    branding = Branding(force_name="Force {{ 7*7 }} <i>x</i> {% raw %}", domain="pep.example")
    renderer = Renderer(TEMPLATES_DIR, branding)
    # When a message is rendered
    rendered = renderer.render("any.sender.unregistered", kind_samples["any.sender.unregistered"])
    # Then the HTML shows the name as text, braces and all, without evaluating it
    assert "Force &#123;&#123; 7*7 &#125;&#125; &lt;i&gt;x&lt;/i&gt;" in rendered.html
    assert "49" not in rendered.html and "<i>x</i>" not in rendered.html
    # And the text part shows it as written
    assert "Force {{ 7*7 }} <i>x</i> {% raw %}" in rendered.text


@pytest.mark.parametrize("kind", ["chair.isa.invitation", "chair.isa.welcome", "any.help.reply"])
def test_a_missing_value_names_the_template(renderer: Renderer, kind_samples: dict[str, dict[str, Any]], kind: str) -> None:
    # Given the values for a kind without its person_name
    values = {key: value for key, value in kind_samples[kind].items() if key != "person_name"}
    # When it is rendered
    # Then a TemplateError names the template file and the missing value
    with pytest.raises(TemplateError, match=rf"{kind}\.(txt|mjml).*person_name"):
        renderer.render(kind, values)


def test_a_missing_value_only_used_in_html_names_the_mjml_file(tmp_path: Path, branding: Branding) -> None:
    # Given a kind whose HTML uses a value its text part does not
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "base.mjml").write_text("<mjml><mj-body>[% block content %][% endblock %]</mj-body></mjml>")
    (tmp_path / "x.note.txt").write_text("Subject: Hello\n\nHello.\n")
    (tmp_path / "x.note.mjml").write_text(
        '[% extends "layouts/base.mjml" %][% block content %]<mj-section><mj-column>'
        "<mj-text>{{ only_in_html }}</mj-text></mj-column></mj-section>[% endblock %]"
    )
    renderer = Renderer(tmp_path, branding)
    # When it is rendered without that value
    # Then the error names the .mjml file
    with pytest.raises(TemplateError, match=r"x\.note\.mjml.*only_in_html"):
        renderer.render("x.note", {})


def test_a_value_of_the_wrong_type_is_a_template_error(renderer: Renderer, kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given a reply-by date passed as text instead of a date
    values = {**kind_samples["chair.isa.invitation"], "reply_before": "next Friday"}
    # When it is rendered
    # Then a TemplateError names the file and the problem, rather than a crash deep inside Jinja
    with pytest.raises(TemplateError, match=r"chair\.isa\.invitation\.txt.*long_date needs a date"):
        renderer.render("chair.isa.invitation", values)


def test_an_unknown_kind_is_refused_by_name(renderer: Renderer) -> None:
    # Given a kind that has no templates, including one that tries to leave the folder
    for kind in ("chair.isa.goodbye", "../secrets"):
        # When it is rendered
        # Then a TemplateError says the kind is unknown
        with pytest.raises(TemplateError, match="unknown message kind"):
            renderer.render(kind, {})
