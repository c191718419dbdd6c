"""`pep subject import`: every rejected row reported with its line, the good rows imported, nothing half-written."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from engine.settings import Settings
from tests.harness.cli import cli_runner

Run = Callable[..., tuple[int, str, str]]
HEADER = "ref,name,aliases,date_of_birth,description,last_seen\n"


@pytest.fixture
def pep_cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    run = cli_runner(settings, monkeypatch, capsys)
    assert run("init")[0] == 0
    assert run("area", "add", "Brighton")[0] == 0
    assert run("partnership", "invite", "--name", "Brighton Pubwatch", "--type", "pubwatch", "--area", "Brighton",
               "--chair", "chair@albion.example", "--disc")[0] == 0
    assert run("partnership", "invite", "--name", "Quiet Shops", "--type", "shopwatch", "--area", "Brighton",
               "--chair", "chair@quiet.example")[0] == 0
    return run


def _subjects(run: Run) -> list[dict]:  # type: ignore[type-arg]
    code, out, _ = run("subject", "list", "--json")
    assert code == 0
    return json.loads(out)


def test_a_clean_file_is_imported(pep_cli: Run, tmp_path: Path) -> None:
    # Given a CSV with the six columns, aliases separated by ';'
    path = tmp_path / "subjects.csv"
    path.write_text(HEADER + 'BP-1,Dean Carter,"Deano; D Carter",1990-05-04,"tall, grey hoodie",2026-11-01\n'
                    "BP-2,Kayleigh O'Brien,,,,\n", encoding="utf-8")
    # When it is imported
    code, out, err = pep_cli("subject", "import", str(path), "--partnership", "Brighton Pubwatch")
    # Then both rows are subjects of that partnership, marked as the partnership's own
    assert (code, err) == (0, "") and "2 subjects imported, 0 rows rejected" in out
    rows = {r["ref"]: r for r in _subjects(pep_cli)}
    assert rows["BP-1"]["aliases"] == ["Deano", "D Carter"] and rows["BP-1"]["date_of_birth"] == "1990-05-04"
    assert rows["BP-1"]["source"] == "partnership" and rows["BP-1"]["partnership"] == "Brighton Pubwatch"
    assert rows["BP-2"]["date_of_birth"] is None and rows["BP-2"]["expires_at"] is not None


def test_bad_rows_are_reported_by_line_and_good_rows_imported(pep_cli: Run, tmp_path: Path) -> None:
    # Given one recorded subject and a file with good rows among bad ones
    (tmp_path / "first.csv").write_text(HEADER + "BP-1,Dean Carter,,,,\n", encoding="utf-8")
    assert pep_cli("subject", "import", str(tmp_path / "first.csv"), "--partnership", "Brighton Pubwatch")[0] == 0
    path = tmp_path / "subjects.csv"
    path.write_text(HEADER +
                    "BP-2,Good One,,1990-01-02,,\n"           # line 2 good
                    "BP-3,,,,,\n"                             # line 3 no name
                    "BP-4,Bad Date,,1990-02-30,,\n"           # line 4 impossible date
                    "BP-5,Future,,2031-01-01,,\n"             # line 5 date of birth in the future
                    "BP-2,Again,,,,\n"                        # line 6 repeats line 2
                    "BP-1,Already There,,,,\n"                # line 7 already recorded
                    "BP-6,Too,Many,Columns,,,,\n"             # line 8 extra cells
                    "BP-7,Too Few\n"                          # line 9 missing cells
                    "BP-8,Good Two,,,,2026-10-01\n",          # line 10 good
                    encoding="utf-8")
    # When it is imported
    code, out, err = pep_cli("subject", "import", str(path), "--partnership", "Brighton Pubwatch")
    # Then each rejected row is one line naming its line number and why, and the good rows are in
    assert code == 1 and "2 subjects imported, 7 rows rejected" in out
    lines = err.strip().splitlines()
    assert [line.split(":")[1] for line in lines] == ["3", "4", "5", "6", "7", "8", "9"]
    assert "name is empty" in lines[0] and "not a date" in lines[1] and "future" in lines[2]
    assert "repeats line 2" in lines[3] and "already recorded" in lines[4] and "columns" in lines[5]
    assert sorted(r["ref"] for r in _subjects(pep_cli)) == ["BP-1", "BP-2", "BP-8"]


@pytest.mark.parametrize("content,message", [
    ("ref,name,aliases,date_of_birth,description\nBP-1,A,,,\n", "missing last_seen"),
    ("ref,name,alias,date_of_birth,description,last_seen\n", "unknown alias"),
    ("name,ref,aliases,date_of_birth,description,last_seen\n", "out of order"),
])
def test_a_wrong_header_rejects_the_whole_file(pep_cli: Run, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "subjects.csv"
    path.write_text(content, encoding="utf-8")
    code, _out, err = pep_cli("subject", "import", str(path), "--partnership", "Brighton Pubwatch")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert _subjects(pep_cli) == []


def test_a_partnership_that_does_not_record_subjects_is_refused(pep_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "subjects.csv"
    path.write_text(HEADER + "Q-1,Dean Carter,,,,\n", encoding="utf-8")
    code, _out, err = pep_cli("subject", "import", str(path), "--partnership", "Quiet Shops")
    assert code == 2 and "not disc_enabled" in err and _subjects(pep_cli) == []
    code, _out, err = pep_cli("subject", "import", str(tmp_path / "missing.csv"), "--partnership", "Quiet Shops")
    assert code == 2 and "cannot read" in err
