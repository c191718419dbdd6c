"""Jinja filters the message templates use to format dates, counts and multi-line text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import markupsafe

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def long_date(value: dt.date | str) -> str:
    """`2026-03-06` -> `Friday 6 March 2026`: unambiguous for British readers.

    Delivery values are stored as JSON, so an ISO date string is accepted as well as a date.
    """
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            raise TypeError(f"long_date needs a date, not the text {value!r}") from None
    if not isinstance(value, dt.date):
        raise TypeError(f"long_date needs a date, not {type(value).__name__} {value!r}")
    return f"{value:%A} {value.day} {value:%B %Y}"


def counted(number: int, noun: str) -> str:
    """`counted(12, 'month')` -> `12 months`; `counted(1, 'month')` -> `1 month`."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"counted needs a whole number, not {type(number).__name__} {number!r}")
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def html_paragraphs(value: Any) -> markupsafe.Markup:
    """Escape user text, then keep its blank-line paragraphs and line breaks in HTML."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [p for p in _BLANK_LINE.split(text) if p.strip()]
    joined = markupsafe.Markup("<br>\n").join
    return markupsafe.Markup("\n").join(
        markupsafe.Markup("<p>{}</p>").format(joined(markupsafe.escape(line) for line in p.split("\n")))
        for p in paragraphs
    )


def text_paragraphs(value: Any) -> str:
    """Plain-text twin of html_paragraphs: the text, with tidy line endings."""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def html_filters() -> dict[str, Callable[..., Any]]:
    """Filters for the per-recipient HTML stage."""
    return {"long_date": long_date, "counted": counted, "paragraphs": html_paragraphs}


def text_filters() -> dict[str, Callable[..., Any]]:
    """Filters for the plain-text and subject stage (same names, plain output)."""
    return {"long_date": long_date, "counted": counted, "paragraphs": text_paragraphs}
