"""Making any message safe to print as one readable line: messages quote what a hostile file
holds (a newline splitting a diagnostic, a terminal escape, a lone surrogate, 1 MB of value).
"""

from __future__ import annotations

import functools
import re

MAX_MESSAGE_CHARS = 500
_ELLIPSIS = " ... "
# C0/C1 controls, DEL, str.splitlines() separators, lone surrogates, and bidirectional controls.
_BIDI_CHARS = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE_CHARS = f"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_BIDI_CHARS}]"
BIDI_CONTROLS = re.compile(f"[{_BIDI_CHARS}]")


@functools.cache
def _unsafe() -> re.Pattern[str]:
    # Compiled at the first unprintable text: ~0.4 ms a hook run on printable messages never pays.
    return re.compile(_UNSAFE_CHARS)


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")  # \n, \x1b, \u202e, as Python writes them


def printable_text(text: str) -> str:
    """``text`` escaped as ``one_line`` escapes it, but whole and with its line breaks and tabs:
    a value printed for a person (a multi-line ``setup_script`` stays a script)."""
    if text.isprintable():
        return text
    return _unsafe().sub(lambda match: match.group() if match.group() in "\n\t" else _escape(match), text)


def json_text(document: object) -> str:
    """``document`` as indented JSON for a terminal: text kept readable (not ``\\u`` escaped), but
    bidirectional controls escaped as control characters already are (they only occur inside
    strings, where ``\\uXXXX`` means the same character)."""
    import json

    text = json.dumps(document, indent=2, ensure_ascii=False)
    return BIDI_CONTROLS.sub(_escape, text)


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` with unprintable characters escaped, shortened in the middle to ``limit``."""
    if len(text) > 4 * limit:  # escaping can only lengthen: cut first, so cost stays bounded
        text = text[: 2 * limit] + text[-2 * limit:]
    # Every unsafe character is one isprintable() refuses (Cc, Cf, Cs, Zl, Zp): most text needs no regex.
    if not text.isprintable():
        text = _unsafe().sub(_escape, text)
    if len(text) <= limit:
        return text
    keep = (limit - len(_ELLIPSIS)) // 2
    return text[:keep] + _ELLIPSIS + text[-keep:]
