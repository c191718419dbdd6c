"""validate() names every broken template file: bad Jinja, bad MJML, bad layout, missing halves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from outbound.branding import Branding
from outbound.render import Renderer, TemplateError

from .conftest import TEMPLATES_DIR


@pytest.fixture
def templates_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, copy)
    return copy


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_jinja_syntax_error_in_text_names_the_file_and_line(templates_copy: Path, branding: Branding) -> None:
    # Given a text template with an unclosed tag on its last line
    path = templates_copy / "any.reply.refused.txt"
    line_count = len(path.read_text(encoding="utf-8").splitlines())
    _append(path, "{% if oops %}\n")
    # When the templates are validated
    # Then the error names the file and the line where the problem is
    with pytest.raises(TemplateError, match=rf"any\.reply\.refused\.txt: line {line_count + 1}: Unexpected end"):
        Renderer(templates_copy, branding).validate()


def test_a_per_recipient_jinja_error_in_mjml_names_the_mjml_file(templates_copy: Path, branding: Branding) -> None:
    # Given an HTML template whose per-recipient Jinja is broken
    path = templates_copy / "any.reply.unclear.mjml"
    path.write_text(path.read_text(encoding="utf-8").replace("{{ expected }}", "{{ expected "), encoding="utf-8")
    # When the templates are validated
    # Then the error names the .mjml file
    with pytest.raises(TemplateError, match=r"any\.reply\.unclear\.mjml: in the compiled HTML"):
        Renderer(templates_copy, branding).validate()


def test_a_layout_stage_error_names_the_file(templates_copy: Path, branding: Branding) -> None:
    # Given an HTML template with a broken square-bracket tag
    path = templates_copy / "chair.isa.welcome.mjml"
    _append(path, "[% block content %]\n")
    # When the templates are validated
    # Then the error names the .mjml file
    with pytest.raises(TemplateError, match=r"chair\.isa\.welcome\.mjml: line"):
        Renderer(templates_copy, branding).validate()


def test_mjml_that_does_not_compile_names_the_file(templates_copy: Path, branding: Branding) -> None:
    # Given an HTML template whose MJML is not well-formed
    path = templates_copy / "any.help.reply.mjml"
    path.write_text(path.read_text(encoding="utf-8").replace("</mj-table>", "", 1), encoding="utf-8")
    # When the templates are validated
    # Then the error says MJML does not compile, naming the file
    with pytest.raises(TemplateError, match=r"any\.help\.reply\.mjml: MJML does not compile"):
        Renderer(templates_copy, branding).validate()


def test_an_unknown_mjml_element_names_the_file(templates_copy: Path, branding: Branding) -> None:
    # Given an HTML template with a misspelt MJML element (MJML itself lets it through)
    path = templates_copy / "any.sender.unregistered.mjml"
    path.write_text(path.read_text(encoding="utf-8").replace("<mj-text>", "<mj-txt>", 1).replace("</mj-text>", "</mj-txt>", 1), encoding="utf-8")
    # When the templates are validated
    # Then the error names the file and the element
    with pytest.raises(TemplateError, match=r"any\.sender\.unregistered\.mjml: unknown MJML element <mj-txt>"):
        Renderer(templates_copy, branding).validate()


def test_a_text_template_without_a_subject_line_is_refused(templates_copy: Path, branding: Branding) -> None:
    # Given a text template whose first line is not a Subject line
    path = templates_copy / "chair.isa.welcome.txt"
    path.write_text("Hello {{ person_name }}\n", encoding="utf-8")
    # When the templates are validated
    # Then the error names the file and says what the first lines must be
    with pytest.raises(TemplateError, match=r"chair\.isa\.welcome\.txt: must start with a 'Subject: …' line"):
        Renderer(templates_copy, branding).validate()


def test_a_kind_missing_one_of_its_two_files_is_refused(templates_copy: Path, branding: Branding) -> None:
    # Given a kind with a text template but no HTML template
    (templates_copy / "chair.example.only_text.txt").write_text("Subject: Reminder\n\nPlease confirm.\n", encoding="utf-8")
    # When the templates are validated
    # Then the error names the missing file
    with pytest.raises(TemplateError, match=r"chair\.example\.only_text\.mjml: missing"):
        Renderer(templates_copy, branding).validate()


def test_every_broken_file_is_listed_in_one_error(templates_copy: Path, branding: Branding) -> None:
    # Given two broken templates
    _append(templates_copy / "any.reply.refused.txt", "{% if oops %}\n")
    _append(templates_copy / "chair.isa.welcome.mjml", "[% endblock %]\n")
    # When the templates are validated
    with pytest.raises(TemplateError) as caught:
        Renderer(templates_copy, branding).validate()
    # Then both files are named
    assert "any.reply.refused.txt" in str(caught.value)
    assert "chair.isa.welcome.mjml" in str(caught.value)
