"""What PEP reads from a report: the time (table-driven), the fields, the grading and the files it keeps or refuses."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from engine.errors import InvalidInput
from engine.services.grading import parse_grading
from engine.services.publications import DraftFile
from engine.services.report_fields import only_sign_off, read_fields
from engine.services.report_files import check_file
from engine.services.report_when import find_when

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)  # a Friday, 16:00 in London


@pytest.mark.parametrize("text, expected", [
    ("today 3pm", "2026-11-27 15:00"),
    ("3pm today", "2026-11-27 15:00"),
    ("at 3.30pm", "2026-11-27 15:30"),
    ("yesterday", "2026-11-26 12:00"),
    ("a man came in yesterday at 10:30 and shouted", "2026-11-26 10:30"),
    ("last night", "2026-11-26 21:00"),
    ("this morning", "2026-11-27 09:00"),
    ("tonight", "2026-11-27 16:00"),  # written at four: up to now, never the future
    ("10pm", "2026-11-26 22:00"),  # later than now today: yesterday evening
    ("on Monday about 2pm", "2026-11-23 14:00"),
    ("last Friday", "2026-11-20 12:00"),
    ("2026-11-20 19:00", "2026-11-20 19:00"),
    ("20/11/2026 19:00", "2026-11-20 19:00"),
    ("27/11", "2026-11-27 12:00"),
    ("3rd Nov", "2026-11-03 12:00"),
    ("12 December", "2025-12-12 12:00"),  # in November, last December
    ("he had 3 dogs", None),
    ("99:99", None),
    ("32/13", None),
    ("", None),
])
def test_time_phrases(text: str, expected: str | None) -> None:
    # Given a phrase a member might write, received on Friday 27 November 2026 at 16:00
    # When PEP looks for a time in it
    found = find_when(text, NOW, LONDON)
    # Then it reads it as a person would, in the force's timezone, or finds nothing
    assert (found.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") if found else None) == expected


@pytest.mark.parametrize("text, expected", [
    ("today 3pm", "2026-11-27 15:00"),
    ("tonight 11pm", "2026-11-27 23:00"),
    ("today", "2026-11-28 00:10"),
    ("00:05", "2026-11-28 00:05"),
    ("saturday 3pm", "2026-11-28 00:10"),  # a weekday is not moved: never the future
])
def test_a_clock_time_later_than_now_today_is_the_day_just_ended(text: str, expected: str) -> None:
    # Given a report sent ten minutes after midnight
    # When it names today with a clock time still to come
    found = find_when(text, datetime(2026, 11, 28, 0, 10, tzinfo=timezone.utc), LONDON)
    # Then the time is the day just ended; a day alone, or a time already past, is today
    assert found is not None and found.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") == expected


def test_summer_time_is_the_force_timezone() -> None:
    # Given a phrase read in British Summer Time
    found = find_when("today 3pm", datetime(2026, 7, 1, 18, 0, tzinfo=timezone.utc), LONDON)
    # Then 3pm is local time (14:00 UTC)
    assert found is not None and found.astimezone(timezone.utc).hour == 14


@pytest.mark.parametrize("text, when, where, who, description", [
    ("When: today 3pm\nWhere: the Lanes\nWho: tall man\n\nHe shouted.", "today 3pm", "the Lanes", "tall man",
     "He shouted."),
    ("where: Kemptown\nHe shouted.", "", "Kemptown", "", "He shouted."),
    ("He shouted.\nWhere: later lines are description", "", "", "", "He shouted.\nWhere: later lines are description"),
    ("\n\nWHO : two boys\n\nThey ran off", "", "", "two boys", "They ran off"),
])
def test_fields_are_read_from_the_leading_block(text: str, when: str, where: str, who: str,
                                                description: str) -> None:
    fields = read_fields(text)
    assert (fields.when, fields.where, fields.who, fields.description) == (when, where, who, description)


@pytest.mark.parametrize("text, only", [
    ("Kind regards,\nPriya", True), ("Thanks\nJohn Smith\nKings Arms", True), ("Sent from my iPhone", True),
    ("Thanks for the alert, I saw him at 9pm", False), ("He stole two bottles.\nThanks,\nPriya", False), ("", False),
])
def test_a_sign_off_alone_is_recognised(text: str, only: bool) -> None:
    assert only_sign_off(text) is only


@pytest.mark.parametrize("text, expected", [("2B P", "2B P"), ("GRADE 3e c", "3E C"), ("grade: 1A/P", "1A P")])
def test_gradings_are_read(text: str, expected: str) -> None:
    assert str(parse_grading(text)) == expected


@pytest.mark.parametrize("text", ["GRADE 4B P", "GRADE 2F P", "GRADE 2B X", "grade please"])
def test_bad_gradings_name_the_form(text: str) -> None:
    with pytest.raises(InvalidInput, match="e.g. GRADE 2B P"):
        parse_grading(text)


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height)).save(out, "PNG")
    return out.getvalue()


def _ooxml(with_macros: bool) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if with_macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 10)
    return out.getvalue()


def test_files_are_typed_by_their_bytes_and_images_measured() -> None:
    # Given a PNG that claims to be a PDF, and a text file
    checked = check_file(DraftFile("still.pdf", "application/pdf", _png(320, 200)), 1_000_000)
    text = check_file(DraftFile("notes.txt", "text/plain", "He left at 9.".encode()), 1_000_000)
    # Then the type is what the bytes are, with the image's dimensions
    assert (checked.content_type, checked.width, checked.height) == ("image/png", 320, 200)
    assert (text.content_type, text.width) == ("text/plain", None)


@pytest.mark.parametrize("item, words", [
    (DraftFile("big.jpg", "image/jpeg", b"\xff\xd8\xff" + b"\x00" * 2000), "at most 0.0 MB"),
    (DraftFile("run.exe", "application/octet-stream", b"MZ" + b"\x00" * 100), "is a program"),
    (DraftFile("photo.jpg", "image/jpeg", b"MZ" + b"\x00" * 100), "is a program"),
    (DraftFile("tool.js", "text/plain", b"alert(1)"), "is a program"),
    (DraftFile("rota.docm", "application/octet-stream", _ooxml(False)), "with macros"),
    (DraftFile("rota.docx", "application/octet-stream", _ooxml(True)), "with macros"),
    (DraftFile("old.doc", "application/msword",
               b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "_VBA_PROJECT".encode("utf-16-le")), "with macros"),
])
def test_forbidden_or_oversized_files_are_refused_by_name(item: DraftFile, words: str) -> None:
    limit = 1000 if item.filename == "big.jpg" else 1_000_000
    with pytest.raises(InvalidInput, match=words) as refused:
        check_file(item, limit)
    assert item.filename in str(refused.value)


def test_a_document_without_macros_is_kept() -> None:
    assert check_file(DraftFile("rota.docx", "application/octet-stream", _ooxml(False)), 1_000_000).filename == "rota.docx"


def test_a_bad_default_grading_setting_is_refused_at_start() -> None:
    from engine.settings import load_settings
    # Given a force sets a grading that is not 3x5x2
    # Then the settings do not load, and the message names the variable
    with pytest.raises(InvalidInput, match="PEP_REPORT_DEFAULT_GRADING"):
        load_settings({"PEP_REPORT_DEFAULT_GRADING": "4Z P"})
    assert load_settings({"PEP_REPORT_DEFAULT_GRADING": "3E C"}).report_default_grading == "3E C"
