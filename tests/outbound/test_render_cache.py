"""MJML is compiled once per kind and renderer, however many recipients are rendered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from outbound.branding import Branding
from outbound.render import Renderer

from .conftest import TEMPLATES_DIR, CountingCompiler


def test_mjml_is_compiled_once_per_kind_across_many_renders(renderer: Renderer, compiler: CountingCompiler, kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given a fresh renderer whose MJML compiler counts its calls
    assert compiler.calls == 0
    # When every kind is rendered for fifty different recipients
    for number in range(50):
        for kind, values in kind_samples.items():
            rendered = renderer.render(kind, {**values, "person_name": f"Recipient {number}"})
            if "person_name" in values:
                assert f"Recipient {number}" in rendered.html
    # Then MJML was compiled exactly once per kind
    assert compiler.calls == len(kind_samples)


def test_validate_warms_the_cache_for_later_renders(renderer: Renderer, compiler: CountingCompiler, kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given a renderer that has validated all templates
    renderer.validate()
    compiled_by_validate = compiler.calls
    # When every kind is then rendered
    for kind, values in kind_samples.items():
        renderer.render(kind, values)
    # Then nothing more was compiled
    assert compiled_by_validate == len(kind_samples)
    assert compiler.calls == compiled_by_validate


def test_each_renderer_keeps_its_own_cache(kind_samples: dict[str, dict[str, Any]]) -> None:
    # Given two renderers with different branding, sharing one counting compiler
    compiler = CountingCompiler()
    blue = Renderer(TEMPLATES_DIR, Branding(primary_colour="#0000ff"), compile_mjml=compiler)
    green = Renderer(TEMPLATES_DIR, Branding(primary_colour="#00ff00"), compile_mjml=compiler)
    values = kind_samples["chair.isa.welcome"]
    # When each renders the same kind
    blue_html = blue.render("chair.isa.welcome", values).html
    green_html = green.render("chair.isa.welcome", values).html
    # Then each compiled its own branded copy
    assert compiler.calls == 2
    assert "#0000ff" in blue_html and "#00ff00" not in blue_html
    assert "#00ff00" in green_html


def test_preview_writes_the_html_for_a_browser(renderer: Renderer, kind_samples: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    # Given a kind and its values
    out_path = tmp_path / "invitation.html"
    # When an operator asks for a preview
    written = renderer.preview("chair.isa.invitation", kind_samples["chair.isa.invitation"], out_path)
    # Then the file holds the same HTML a recipient would get
    assert written == out_path
    html = out_path.read_text(encoding="utf-8")
    assert html == renderer.render("chair.isa.invitation", kind_samples["chair.isa.invitation"]).html
    assert html.startswith("<!doctype html>")
