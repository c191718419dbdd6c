"""HTML bodies become readable text with quoted history marked for the trimmer."""

from __future__ import annotations

from inbound.html_text import html_to_text
from inbound.trim import new_text


def test_blockquotes_become_quoted_lines() -> None:
    # Given a Gmail-style HTML reply
    html = ('<div dir="ltr">Seen him at 10:40</div><div class="gmail_quote">'
            "<blockquote>Alert text<br>second line</blockquote></div>")
    # When converted / Then the quote is "> " prefixed, and the trimmer drops it
    text = html_to_text(html)
    assert "> Alert text\n> second line" in text
    assert new_text(text) == "Seen him at 10:40"


def test_markup_is_not_escaped_or_decorated() -> None:
    # Given text that Markdown would escape, emphasis, entities, a link and an image
    html = "<p>1. Took <b>£20</b> &amp; *two* items_now</p><p>-- <br>Amit</p><a href='https://x.example'>map</a><img alt=x src=y>"
    # When converted
    text = html_to_text(html)
    # Then it reads as typed: no backslashes, asterisks, link targets or image markup
    assert text == "1. Took £20 & *two* items_now\n\n--\nAmit\n\nmap"


def test_scripts_and_styles_are_dropped() -> None:
    # Given HTML with script and style content / When converted / Then only the visible text remains
    assert html_to_text("<style>p{color:red}</style><script>alert(1)</script><p>Hello</p>") == "Hello"


def test_outlook_rule_above_quoted_header_is_removed() -> None:
    # Given Outlook's <hr> before the From/Sent block
    html = "<div>Send it</div><hr><div><b>From:</b> PEP<br><b>Sent:</b> today<br><b>Subject:</b> Preview</div>"
    # When converted and trimmed / Then only the new text is left
    assert new_text(html_to_text(html)) == "Send it"
