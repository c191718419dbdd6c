"""Read an Authentication-Results value in the plain shape MTAs write, without the general RFC 8601 parser.

Why: `authres` handles every corner of RFC 8601 (comments, quoted strings, versions, reasons) but
compiles its patterns again for each token, which made it the dearest part of reading an ordinary
reply. Postfix/OpenDKIM/OpenDMARC/rspamd write a plain shape: `id; method=result ptype.prop=value
...; ...`. For a value entirely in that shape this module gives the (method, result) pairs authres
gives; for anything else (a comment, a quote, a version, `reason=`, `none`, another property type)
it returns None and the caller uses authres.
"""
from __future__ import annotations

import re

_PTEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-]"  # what authres accepts in a property value
_RESINFO = (r"[ \t]*;[ \t]*(?!none)([A-Za-z0-9-]+)[ \t]*=[ \t]*([A-Za-z0-9-]+)"
            r"(?:[ \t]+(?:smtp|header|body|policy)\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*="
            r"(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|(?!@)" + _PTEXT + "+))*")
_PLAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?:" + _RESINFO + r")+[ \t]*", re.I)
_EACH = re.compile(_RESINFO, re.I)


def plain_results(value: str) -> list[tuple[str, str]] | None:
    """(method, result) pairs, lowercased and in order, of a plain value; None for any other shape."""
    if _PLAIN.fullmatch(value) is None:
        return None
    return [(method.lower(), result.lower()) for method, result in _EACH.findall(value)]
