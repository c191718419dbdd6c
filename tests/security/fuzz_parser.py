"""Coverage-guided fuzzing (atheris, libFuzzer) of the parser entry points: parse_message and new_text.

Run as `python -m tests.security.fuzz_parser [libFuzzer options]`; `make fuzz-atheris` bounds it in time.
The real messages under tests/fixtures are the seed corpus, copied so libFuzzer never writes into them.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from inbound.limits import ParseLimits
    from inbound.parse import parse_message
    from inbound.trim import new_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LIMITS = ParseLimits()


def one_input(data: bytes) -> None:
    """Neither entry point may raise, whatever the bytes; the parsed text stays within its limit."""
    if data[:1] == b"T":
        assert isinstance(new_text(data[1:].decode("utf-8", "surrogateescape")), str)
        return
    parsed = parse_message(data, LIMITS)
    assert len(parsed.text) <= LIMITS.max_text_chars
    assert isinstance(new_text(parsed.text), str)


def seed_corpus() -> str:
    folder = Path(tempfile.mkdtemp(prefix="pep-fuzz-corpus-"))
    for sample in FIXTURES.glob("*/*.eml"):
        shutil.copy(sample, folder / f"{sample.parent.name}-{sample.name}")
    return str(folder)


def main(argv: list[str]) -> None:
    corpus = seed_corpus()
    try:
        atheris.Setup([argv[0], *argv[1:], corpus], one_input)
        atheris.Fuzz()
    finally:
        shutil.rmtree(corpus, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv)
