"""The chair's EXCLUDE and SUBJECT commands: parsing, and their effect (wired into admin@ separately)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.app import App
from engine.errors import InvalidInput, NotFound, NotPermitted
from engine.models import Exclusion, StoredFile, Subject
from engine.services.admin_subjects import (ExcludeArgs, Photo, SubjectArgs, parse_exclude, parse_subject,
                                            run_exclude, run_subject)
from tests.engine.dataview_world import PNG, build_world


@pytest.mark.parametrize("line,expected", [
    ("EXCLUDE BP-17 6 Assaulted door staff", ExcludeArgs("BP-17", 6, "Assaulted door staff")),
    ("exclude BP-17 threats to staff", ExcludeArgs("BP-17", None, "threats to staff")),
    ('Exclude "BP 17" 12 theft', ExcludeArgs("BP 17", 12, "theft")),
])
def test_exclude_lines_parse(line: str, expected: ExcludeArgs) -> None:
    assert parse_exclude(line) == expected


@pytest.mark.parametrize("line,message", [
    ("EXCLUDE", "needs a subject reference and a reason"),
    ("EXCLUDE BP-17", "needs a subject reference and a reason"),
    ("EXCLUDE BP-17 6", "needs a reason"),
    ('EXCLUDE "BP-17 6 theft', "unbalanced quotes"),
    ("INCLUDE BP-17 6 theft", "not an EXCLUDE"),
])
def test_bad_exclude_lines_say_why(line: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_exclude(line)


def test_subject_blocks_parse() -> None:
    args = parse_subject("SUBJECT\nName: Dean Carter\nAliases: Deano; D Carter\nAge: 30-35\n"
                         "Description: tall, grey hoodie\nLast seen: 2026-11-20\n\nThanks, Priya")
    assert args == SubjectArgs(name="Dean Carter", aliases=("Deano", "D Carter"), age_range=(30, 35),
                               description="tall, grey hoodie", last_seen=date(2026, 11, 20))
    assert parse_subject("subject\nname: Kay Moss\nborn: 1978-02-02\nref: KM1").born == date(1978, 2, 2)


@pytest.mark.parametrize("text,message", [
    ("SUBJECT\nAliases: x", "needs a Name"),
    ("SUBJECT\nName: A\nHeight: tall", "line 3"),
    ("SUBJECT\nName: A\nBorn: 1990-13-01", "not a date"),
    ("SUBJECT\nName: A\nAge: about thirty", "not an age"),
    ("SUBJECT\nName: A\nAge: 50-20", "plausible"),
    ("SUBJECT\nName: A\nBorn: 1990-01-01\nAge: 30", "not both"),
    ("NAME: A", "not a SUBJECT"),
])
def test_bad_subject_blocks_say_why(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_subject(text)


def test_a_chair_records_a_subject_then_proposes_an_exclusion(app: App) -> None:
    with app.sessions() as session:
        world = build_world(session, app.env)
        chair = session.merge(world.chair)
        # When the chair sends a SUBJECT block with a photo
        outcome = run_subject(session, app.env, chair, parse_subject(
            "SUBJECT\nName: Dean Carter\nBorn: 1990-05-04", (Photo("dean.png", "image/png", PNG),)))
        # Then the subject is recorded for their partnership with the photo
        assert outcome == "subject Dean Carter recorded for Brighton Pubwatch as S1 with 1 photo"
        dean = session.scalars(select(Subject)).one()
        assert session.scalars(select(StoredFile.filename).where(StoredFile.subject_id == dean.id)).all() == ["dean.png"]
        # When the chair sends EXCLUDE for it
        answer = run_exclude(session, app.env, chair, parse_exclude("EXCLUDE S1 6 assault"))
        # Then a proposal waits for the board
        assert "proposed to the board: 1 of 2 approvals" in answer
        assert session.scalars(select(Exclusion.status)).one() == "proposed"
        # And a member may do neither, and an unknown reference is named
        member = session.merge(world.members[0])
        with pytest.raises(NotPermitted):
            run_exclude(session, app.env, member, parse_exclude("EXCLUDE S1 6 assault"))
        with pytest.raises(NotPermitted):
            run_subject(session, app.env, member, parse_subject("SUBJECT\nName: X"))
        with pytest.raises(NotFound, match="no subject S9"):
            run_exclude(session, app.env, chair, parse_exclude("EXCLUDE S9 6 assault"))
        # And a second photo that is not a picture is refused
        with pytest.raises(InvalidInput, match="not a photo"):
            run_subject(session, app.env, chair, parse_subject(
                "SUBJECT\nName: Kay Moss", (Photo("notes.pdf", "application/pdf", b"%PDF"),)))


def test_exclude_is_an_admin_command_line(app: App) -> None:
    from engine.commands.execute import run_lines
    with app.sessions() as session:
        # Given a chair whose partnership has recorded subject S1
        world = build_world(session, app.env)
        chair = session.merge(world.chair)
        run_subject(session, app.env, chair, parse_subject("SUBJECT\nName: Dean Carter\nBorn: 1990-05-04"))
        # When the chair sends EXCLUDE among other admin lines (as to admin@ or `pep admin run`)
        outcomes = run_lines(session, app.env, chair, ["EXCLUDE S1 6 assault on staff", "EXCLUDE S9 6 x"])
        # Then the first opens a proposal, the second says why it cannot, and only the first changed anything
        assert outcomes[0].done and "proposed to the board" in outcomes[0].text
        assert not outcomes[1].done and "no subject S9" in outcomes[1].text
        assert session.scalars(select(Exclusion.status)).all() == ["proposed"]
