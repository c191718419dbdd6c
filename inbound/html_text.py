"""Render an HTML mail body as plain text, keeping quoted history recognisable as "> " lines."""

from __future__ import annotations

import re

import html2text

# html2text writes Markdown; it escapes characters that Markdown would read as syntax with a
# backslash. Its escaping is a prefix-free "\" + char, so this inverts it exactly.
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_HORIZONTAL_RULE = re.compile(r"^\s*\* \* \*\s*$", re.M)
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.M)
_BLANK_RUN = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """Readable text of `html`: blockquotes become "> " lines, no markup, no link targets."""
    # html2text is maintained, handles entities, <br>/<p> spacing, lists and nested
    # <blockquote> (as "> " prefixes, which is what the reply trimmer drops).
    converter = html2text.HTML2Text()
    converter.body_width = 0  # never re-wrap: the trimmer matches header lines whole
    converter.ignore_emphasis = True
    converter.ignore_images = True
    converter.ignore_links = True
    converter.ignore_tables = True
    converter.unicode_snob = True
    text = converter.handle(html)
    text = _MARKDOWN_ESCAPE.sub(r"\1", text).replace("\xa0", " ")
    # Outlook puts an <hr> above the quoted "From:/Sent:" block; as text it is only noise.
    text = _HORIZONTAL_RULE.sub("", text)
    text = _TRAILING_SPACE.sub("", text)
    return _BLANK_RUN.sub("\n\n", text).strip()
