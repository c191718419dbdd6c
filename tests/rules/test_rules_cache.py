"""Rules parsed once per file content: an edited file is read again, errors are never kept, names are always checked."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.app import App
from engine.services.areas import add_area
from engine.services.rulebook import checked_rules
from engine.services.teams import add_team
from engine.models import Team
from rules.cache import RulesCache
from rules.load import RulesInvalid, load_rules

ONE = '[reports]\nreceivers = ["central_team"]\n\n[[reports.routes]]\nname = "first"\nmatch = { kind = "intel" }\n'


def test_a_file_is_parsed_again_only_when_its_bytes_change(tmp_path: Path) -> None:
    # Given a deployment file loaded once
    extra = tmp_path / "rules.toml"
    extra.write_text(ONE, encoding="utf-8")
    cache = RulesCache()
    first = cache.load(extra)
    # Then loading it again gives the same ruleset, equal to a fresh load
    assert cache.load(extra) is first and first == load_rules(extra)
    # When the file is edited (same size, so only the content tells)
    extra.write_text(ONE.replace("first", "later"), encoding="utf-8")
    # Then the new content is what comes back
    assert [r.name for r in cache.load(extra).reports.routes][0] == "later"


def test_a_broken_file_fails_every_time_and_a_fixed_one_loads(tmp_path: Path) -> None:
    extra = tmp_path / "rules.toml"
    extra.write_text('[reports]\nreceivers = ["nobody"]\n', encoding="utf-8")
    cache = RulesCache()
    for _ in range(2):
        with pytest.raises(RulesInvalid, match=r"rules.toml:2: unknown receiver 'nobody'"):
            cache.load(extra)
    extra.write_text(ONE, encoding="utf-8")
    assert cache.load(extra) == load_rules(extra)
    extra.unlink()
    with pytest.raises(RulesInvalid, match="cannot read the rules file"):
        cache.load(extra)


def test_the_cache_keeps_only_a_few_rulesets(tmp_path: Path) -> None:
    cache = RulesCache(size=2)
    files = []
    for n in range(3):
        files.append(tmp_path / f"r{n}.toml")
        files[-1].write_text(ONE.replace("first", f"route {n}"), encoding="utf-8")
    loaded = [cache.load(f) for f in files]
    assert cache.load(files[2]) is loaded[2] and cache.load(files[1]) is loaded[1]
    assert cache.load(files[0]) is not loaded[0]  # the oldest was dropped, and is read again


def test_a_team_removed_after_the_rules_were_cached_is_noticed(app: App, tmp_path: Path) -> None:
    # Given a deployment file routing to a team PEP knows, checked once
    extra = tmp_path / "rules.toml"
    extra.write_text('[reports]\nreceivers = ["central_team"]\n\n[[reports.routes]]\nmatch = { area = "Kent" }\n'
                     'receivers = ["team:Kent Unit"]\n', encoding="utf-8")
    with app.sessions() as session:
        area = add_area(session, app.env, "Kent")
        add_team(session, app.env, "Kent Unit", "kent@police.example", area, False)
        session.commit()
        checked_rules(session, app.settings, str(extra))
        # When the team goes
        session.delete(session.query(Team).filter_by(name="Kent Unit").one())
        session.flush()
        # Then the next check names it, file and line
        with pytest.raises(RulesInvalid, match=r"rules.toml:6: unknown team 'Kent Unit'"):
            checked_rules(session, app.settings, str(extra))
