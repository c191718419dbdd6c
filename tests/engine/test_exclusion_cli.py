"""`pep exclusion propose|approve|list|appeal|lift` from the command line."""
from __future__ import annotations

import json

import pytest

from engine.app import App
from engine.cli.main import main
from tests.engine.dataview_world import build_world, subject


def test_propose_approve_list_and_refusals(app: App, cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    with app.sessions() as session:
        world = build_world(session, app.env)
        subject(session, app.env, world.pubwatch, "BP-17", "Dean Carter", None)
        session.commit()
    # When the chair proposes and the board member approves
    assert main(["exclusion", "propose", "Brighton Pubwatch:BP-17", "--by", "chair@albion.example",
                 "--reason", "assault", "--months", "6"]) == 0
    assert "proposed (6 months)" in capsys.readouterr().out
    assert main(["exclusion", "approve", "1", "--by", "tom@board.example"]) == 0
    assert "approved (2 of 2)" in capsys.readouterr().out
    # Then the listing shows it in force
    assert main(["exclusion", "list", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["subject"], row["status"], row["approvals"]) == ("BP-17", "active", 2)
    # And bad requests get one line and status 2, changing nothing
    for argv, message in [(["exclusion", "approve", "9", "--by", "tom@board.example"], "no exclusion 9"),
                          (["exclusion", "propose", "Brighton Pubwatch:BP-17", "--by", "bar0@pubs.example",
                            "--reason", "x"], "only the board"),
                          (["exclusion", "appeal", "1"], "6 months after"),
                          (["exclusion", "propose", "Brighton Pubwatch:BP-17", "--by", "chair@albion.example",
                            "--reason", "x", "--months", "99"], "1 to 60 months")]:
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err
    assert main(["exclusion", "lift", "1", "--reason", "appeal upheld"]) == 0
    assert "lifted" in capsys.readouterr().out
    assert main(["exclusion", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["status"] == "lifted"
