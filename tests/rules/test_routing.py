"""Routing rules as data: inline rule files, the tree walk, and errors that name the file and line."""
from __future__ import annotations

from pathlib import Path

import pytest

from rules.load import RulesInvalid, load_rules
from rules.match import matching_routes

BASE = """
[publications]
receivers = ["chairs"]
partnerships = { status = ["active"] }

[reports]
receivers = ["central_team"]
"""

TREE = """
[publications]
name = "top"
receivers = ["chairs"]
partnerships = { status = ["active", "lapsed"] }

[[publications.routes]]
name = "personal"
match = { category = ["wanted", "offender"] }
partnerships = { status = ["active"] }

  [[publications.routes.routes]]
  name = "members where agreed"
  match = { reach = "members" }
  partnerships = { authoring_agreed = true }
  receivers = ["chairs", "members"]
  continue = true

  [[publications.routes.routes]]
  name = "chairs share onward"
  match = { reach = "members" }
  onward = true

[[publications.routes]]
name = "events to pubwatches"
match = { kind = "event" }
partnerships = { type = "pubwatch" }

[reports]
name = "central"
receivers = ["central_team"]

[[reports.routes]]
name = "weapons"
match = { keywords = ["knife", "gun"] }
receivers = ["team:Firearms Unit"]
continue = true

[[reports.routes]]
name = "incidents in the east"
match = { kind = "incident", area = "East" }
receivers = ["area_team"]

[[reports.routes]]
name = "replies to alerts"
match = { reply_to_alert = true }
receivers = ["author", "central_team"]
"""


def write(tmp_path: Path, text: str, name: str = "force.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def only(path: Path):  # type: ignore[no-untyped-def]
    # The file alone: the shipped rules are its "default" so nothing else is mixed in.
    return load_rules(None, default=path)


@pytest.mark.parametrize(("facts", "expected"), [
    ({"kind": "alert", "category": "info", "reach": "chairs"}, ["top"]),
    ({"kind": "alert", "category": "wanted", "reach": "chairs"}, ["personal"]),
    ({"kind": "alert", "category": "wanted", "reach": "members"}, ["members where agreed", "chairs share onward"]),
    ({"kind": "event", "category": "info", "reach": "chairs"}, ["events to pubwatches"]),
    ({"kind": "event", "category": "offender", "reach": "chairs"}, ["personal"]),
])
def test_publications_take_the_first_matching_route_unless_it_continues(tmp_path: Path, facts: dict,
                                                                        expected: list[str]) -> None:
    # Given a rules tree with nested routes, `continue` and inherited defaults
    ruleset = only(write(tmp_path, TREE))
    # When a publication's facts are routed
    routes = matching_routes(ruleset.publications, facts)
    # Then exactly the expected routes are taken, in order
    assert [r.name for r in routes] == expected


def test_children_inherit_their_parents_defaults(tmp_path: Path) -> None:
    # Given the tree above
    ruleset = only(write(tmp_path, TREE))
    members, onward = matching_routes(ruleset.publications, {"kind": "alert", "category": "wanted", "reach": "members"})
    # Then a child keeps its parent's filters unless it overrides them, and its parent's receivers unless it names its own
    assert members.partnerships == {"status": ("active",), "authoring_agreed": True}
    assert members.receivers == ("chairs", "members")
    assert onward.partnerships == {"status": ("active",)} and onward.receivers == ("chairs",) and onward.onward


@pytest.mark.parametrize(("facts", "expected"), [
    ({"kind": "intel", "areas": ["Hove", "West"], "text": "a blue van"}, ["central"]),
    ({"kind": "incident", "areas": ["Kemptown", "East"], "text": "shoplifting"}, ["incidents in the east"]),
    ({"kind": "incident", "areas": ["Kemptown", "East"], "text": "he showed a KNIFE."},
     ["weapons", "incidents in the east"]),
    ({"kind": "incident", "areas": ["Hove", "West"], "text": "knifepoint is not the word"}, ["central"]),
    ({"kind": "intel", "areas": [], "text": "seen him", "reply_to_alert": True}, ["replies to alerts"]),
])
def test_reports_route_by_kind_area_subtree_and_keywords(tmp_path: Path, facts: dict, expected: list[str]) -> None:
    # Given report routes over kind, area (subtree by the report's area chain) and keywords
    ruleset = only(write(tmp_path, TREE))
    # When a report is routed
    # Then the expected routes are taken
    assert [r.name for r in matching_routes(ruleset.reports, facts)] == expected


@pytest.mark.parametrize(("text", "line", "message"), [
    (BASE + '\n[[publications.routes]]\nname = "x"\nmatch = { categroy = "wanted" }\n', 11, "unknown key 'categroy'"),
    (BASE + '\n[[publications.routes]]\nname = "x"\nmatch = { category = "celebrity" }\n', 11, "unknown value 'celebrity'"),
    (BASE + '\n[[publications.routes]]\nname = "x"\nreceivers = ["everyone"]\n', 11, "unknown receiver 'everyone'"),
    (BASE + '\n[[publications.routes]]\nname = "x"\ncontinue = "yes"\n', 11, "'continue' must be true or false"),
    (BASE + '\n[[publications.routes]]\nname = "x"\npartnerships = { disc_enabled = "yes" }\n', 11,
     "partnerships.disc_enabled must be true or false"),
    (BASE + '\n[[reports.routes]]\nname = "x"\n\nmatch.kind = "burglary"\n', 12, "unknown value 'burglary'"),
    (BASE + '\n[[reports.routes]]\nname = "x"\nonward = true\n', 11, "'onward' is for publication routes"),
    (BASE + '\n[surprise]\nx = 1\n', 9, "unknown section 'surprise'"),
    (BASE + '\n[[publications.routes]]\nname = "x"\nmatch = { kind = "alert" \n', 11, "not valid TOML"),
])
def test_bad_rules_are_refused_naming_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    # Given a rules file with one mistake
    path = write(tmp_path, text)
    # When it is loaded
    with pytest.raises(RulesInvalid) as caught:
        only(path)
    # Then the problem names the file, the line and what is wrong
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (str(path), line), str(problem)
    assert message in problem.message


def test_a_deployment_file_is_tried_before_the_shipped_rules(tmp_path: Path) -> None:
    # Given the shipped rules and a deployment file with one extra publication route
    extra = write(tmp_path, """
[publications]
receivers = ["chairs"]
partnerships = { status = ["active"] }

[[publications.routes]]
name = "meetings to bcrps"
match = { kind = "meeting" }
partnerships = { type = "bcrp" }
""")
    ruleset = load_rules(extra)
    # When a meeting and an info alert are routed
    meeting = matching_routes(ruleset.publications, {"kind": "meeting", "category": "info", "reach": "chairs"})
    alert = matching_routes(ruleset.publications, {"kind": "alert", "category": "wanted", "reach": "chairs"})
    # Then the deployment's route wins for the meeting and the shipped routes still apply otherwise
    assert [r.name for r in meeting] == ["meetings to bcrps"]
    assert [r.name for r in alert] == ["personal data reaches active partnerships only"]
    assert ruleset.files[-1] == str(extra)


def test_the_shipped_rules_load() -> None:
    # Given the rules PEP ships, When they load, Then both trees are there
    ruleset = load_rules()
    assert ruleset.publications.routes and ruleset.reports.routes


def test_rules_never_import_inbound_or_outbound() -> None:
    # Given the rules package's source, Then it depends on neither side of the mail flow
    import ast
    folder = Path(__file__).parents[2] / "rules"
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [n for n in names if n.split(".")[0] in ("inbound", "outbound")], path.name
