"""Shared fixtures for the outbound tests: the real templates, sample values, a renderer."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from outbound.branding import Branding
from outbound.render import Renderer, compile_mjml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = ROOT / "templates"
SAMPLES_FILE = ROOT / "tests" / "fixtures" / "templates" / "samples.toml"


class CountingCompiler:
    """Wraps the real MJML compiler and counts how often each source is compiled."""

    def __init__(self, compile_function: Callable[[str], str] = compile_mjml) -> None:
        self._compile = compile_function
        self.calls = 0

    def __call__(self, source: str) -> str:
        self.calls += 1
        return self._compile(source)


@pytest.fixture(scope="module")
def samples() -> dict[str, Any]:
    with SAMPLES_FILE.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def branding(samples: dict[str, Any]) -> Branding:
    return Branding(**samples["branding"])


@pytest.fixture
def compiler() -> CountingCompiler:
    return CountingCompiler()


@pytest.fixture
def renderer(branding: Branding, compiler: CountingCompiler) -> Renderer:
    return Renderer(TEMPLATES_DIR, branding, compile_mjml=compiler)


@pytest.fixture
def kind_samples(samples: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return samples["kinds"]
