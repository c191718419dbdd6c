"""A short atheris run against the parser entry points; `make fuzz-atheris` runs it for longer."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

from tests.harness.services import require

ROOT = Path(__file__).resolve().parents[2]


def test_the_parser_survives_a_bounded_atheris_run(tmp_path: Path) -> None:
    # Given atheris (skipped locally when it cannot be installed; under CI its absence is a failure)
    require("atheris (pip install atheris)", importlib.util.find_spec("atheris") is not None)
    # When libFuzzer mutates the real sample messages a few thousand times
    run = subprocess.run([sys.executable, "-m", "tests.security.fuzz_parser", "-runs=1000", "-rss_limit_mb=2048",
                          f"-artifact_prefix={tmp_path}/"], cwd=ROOT, capture_output=True, text=True, timeout=240)
    # Then neither parse_message nor new_text raised or crashed (libFuzzer exits non-zero and saves the input)
    crashes = list(tmp_path.iterdir())
    assert run.returncode == 0 and not crashes, run.stderr[-3000:]
    # libFuzzer counts the seed messages it replays as runs too, so the total can pass the limit
    done = re.search(r"Done (\d+) runs", run.stderr)
    assert done is not None and int(done.group(1)) >= 1000, run.stderr[-3000:]
