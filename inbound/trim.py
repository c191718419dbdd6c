"""Keep only the new text of a reply: quoted history, reply markers and signatures removed."""

from __future__ import annotations

import re

from mailparser_reply.constants import GENERIC_MAIL_SEPARATOR
from mailparser_reply.parser import EmailMessage

# Languages handed to mail-parser-reply. Polish is left out on purpose: its "From" block
# pattern accepts a single "Do:"/"Data:" line, which would cut English text such as
# "Data: none taken"; Polish headers are recognised below instead.
LIBRARY_LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "es", "nl", "it")

# Lines longer than this are hidden from the library's regular expressions, some of which
# backtrack quadratically on one long line. Real quote headers are far shorter.
_LONG_LINE = 1000
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*")

# Extension: "Reply above this line" markers (helpdesk tools, PEP's own messages).
_REPLY_ABOVE = re.compile(
    r"^.{0,20}(?:reply|type|write|respond)[^\n]{0,30}above (?:this|the) line", re.I | re.M
)
# Extension: the library's attribution patterns miss Gmail's German/Dutch order ("Am …
# schrieb X:"), Spanish with one space, Polish "W dniu", Portuguese, Welsh, and every
# attribution wrapped over three lines. An attribution here starts a line with an opener
# word, ends within three lines with ":", names a "wrote" verb and contains a digit (date).
_OPENER = re.compile(r"^(?:On|Le|Am|El|Op|Il|W dniu|Dnia|Em|Ar)\b", re.I)
_WROTE = re.compile(
    r"\b(?:wrote|a\s+écrit|schrieb|escribió|schreef|ha\s+scritto|napisał(?:\(a\)|a)?|escreveu|ysgrifennodd)\b",
    re.I,
)
# Extension: localised Outlook separators and the Polish Outlook header block.
_ORIGINAL_MESSAGE = re.compile(
    r"^-{3,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original"
    r"|Oorspronkelijk bericht|Oryginalna wiadomość|Messaggio originale|Mensagem original)\s*-{3,}\s*$",
    re.I,
)
_POLISH_FROM = re.compile(r"^\*?Od\s*:", re.I)
_POLISH_HEADER = re.compile(r"^\*?(?:Wysłano|Data|Do|Temat|DW)\s*:", re.I)
# Extension: the library only knows "Sent from my", "Get Outlook for" and a few
# translations; these are the phone and webmail footers seen in UK inboxes.
_MOBILE_SIGNATURE = re.compile(
    r"^(?:sent from (?:my|mail for|outlook|yahoo|aol|samsung|gmail)\b.{0,60}"
    r"|sent (?:via|with) .{0,60}|get outlook for .{0,30}"
    r"|envoyé (?:de|depuis) (?:mon|ma|l'|outlook).{0,60}|von meinem .{0,60}gesendet.{0,5}"
    r"|gesendet von .{0,60}|enviado desde (?:mi|outlook).{0,60}|verzonden (?:vanaf|met) .{0,60}"
    r"|verstuurd vanaf .{0,60}|wysłane z .{0,60}|wysłano z .{0,60}|inviato da .{0,60}"
    r"|enviado do (?:meu|outlook).{0,60}|anfonwyd o .{0,60})$",
    re.I,
)
_SIGNATURE_SEPARATOR = re.compile(r"^--[ \t]*$")


# The library compiles its large patterns again for every message, and they fall out of `re`'s own
# cache when other code compiles many patterns; they depend only on the languages, so each is
# compiled once per process and kept here (a few entries, never changed once written).
_COMPILED: dict[tuple[str, tuple[str, ...]], re.Pattern[str]] = {}


class _HeaderBlockMessage(EmailMessage):  # type: ignore[misc]  # the library has no type hints
    """mail-parser-reply splitting only at "From:/Sent:" blocks and "Original Message" lines.

    Its "On … wrote:" patterns accept any line such as "On the wall he wrote:"; attributions
    are found by `_is_attribution` instead, which also demands a date.
    """

    @property
    def HEADER_REGEX(self) -> re.Pattern[str]:  # noqa: N802 - the library's name
        key = ("header", tuple(self.languages))
        cached = _COMPILED.get(key)
        if cached is None:
            blocks = [self._get_language_regex(language=lang, regex_key="from_header") for lang in self.languages]
            blocks.append(f"({GENERIC_MAIL_SEPARATOR})")
            cached = _COMPILED.setdefault(key, re.compile("|".join(b for b in blocks if b),
                                                          flags=re.MULTILINE | re.IGNORECASE))
        return cached

    @property
    def SIGNATURE_REGEX(self) -> re.Pattern[str]:  # noqa: N802 - the library's name
        key = ("signature", tuple(self.languages))
        cached = _COMPILED.get(key)
        if cached is None:
            cached = _COMPILED.setdefault(key, EmailMessage.SIGNATURE_REGEX.fget(self))
        return cached


def new_text(body: str) -> str:
    """The text the sender wrote in this message, without what it quotes or its signature."""
    lines = _normalise(body).split("\n")
    lines = lines[: _first_quote_header(lines)]
    text = _library_latest("\n".join(lines))
    kept: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if _SIGNATURE_SEPARATOR.match(stripped) or _MOBILE_SIGNATURE.match(stripped):
            break
        if stripped.startswith(">"):
            continue  # an interleaved quote; the sender's own lines around it are kept
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _normalise(body: str) -> str:
    text = body.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return _INVISIBLE.sub("", text)


def _first_quote_header(lines: list[str]) -> int:
    """Index of the first line that starts quoted history (or a reply marker), else len."""
    for index, line in enumerate(lines):
        bare = _QUOTE_PREFIX.sub("", line).strip()
        if _REPLY_ABOVE.match(bare) or _ORIGINAL_MESSAGE.match(bare):
            return index
        if _OPENER.match(bare) and _is_attribution(lines, index):
            return index
        if _POLISH_FROM.match(bare) and any(
            _POLISH_HEADER.match(_QUOTE_PREFIX.sub("", follow).strip()) for follow in lines[index + 1 : index + 4]
        ):
            return index
    return len(lines)


def _is_attribution(lines: list[str], start: int) -> bool:
    joined = ""
    for line in lines[start : start + 3]:
        joined = f"{joined} {_QUOTE_PREFIX.sub('', line).strip()}".strip()
        if len(joined) > 300:
            return False
        if joined.endswith(":") and _WROTE.search(joined) and any(ch.isdigit() for ch in joined):
            return True
    return False


def _library_latest(text: str) -> str:
    """Run mail-parser-reply on `text` and return its first fragment minus a plausible signature."""
    hidden: list[str] = []

    def hide(line: str) -> str:
        if len(line) <= _LONG_LINE:
            return line
        hidden.append(line)
        return f"\ue000{len(hidden) - 1}\ue001"

    guarded = "\n".join(hide(line) for line in text.split("\n"))
    message = _HeaderBlockMessage(text=guarded, languages=list(LIBRARY_LANGUAGES), keep_hyphen_lists=True).read()
    if not message.replies:
        return text
    first = message.replies[0]
    if first.headers:
        return ""  # the message starts with quoted history: nothing new was written
    result = first.content
    if first.signatures and _plausible_signature(first.signatures):
        result = result.replace(first.signatures, "")
    # The library's disclaimer removal is not used: it deletes any sentence opening with
    # "Warning:" that mentions mail, which would eat parts of incident reports.
    return _PLACEHOLDER.sub(lambda m: hidden[int(m.group(1))], result)


def _plausible_signature(signature: str) -> bool:
    """The library treats any later line starting "Thanks," as a sign-off and drops the rest;
    accept that only when the rest looks like a sign-off block, not a paragraph of report."""
    lines = signature.strip().split("\n")
    return len(lines) <= 12 and len(lines[0]) <= 60
