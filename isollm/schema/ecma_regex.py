"""JSON Schema patterns (ECMA-262 regular expressions) for Python's ``re``: every reader of a
schema ``pattern`` compiles it here, so they all agree on what it matches."""

from __future__ import annotations

import re
from functools import lru_cache

# What decides the meaning of a ``$``: an escape (a backslash and the character after it), the
# brackets of a character class, the dollar itself. Found by ``re`` (in C), not one character
# at a time in Python: the schema's grammars run to thousands of characters.
_TOKENS = re.compile(r"\\[\s\S]|[\[\]$]")


def ecma_to_python(pattern: str) -> str:
    """The Python spelling of an ECMA-262 pattern: ECMA's ``$`` matches only at the very end, Python's
    also before a final newline (``"name\\n"`` would pass ``^[a-z]+$``). An escaped ``$`` or one in a
    character class is a literal dollar and stays."""
    if "$" not in pattern:
        return pattern
    in_class = False

    def replace(token: re.Match[str]) -> str:
        nonlocal in_class
        text = token.group()
        if text in ("[", "]"):
            in_class = text == "["
        return r"\Z" if text == "$" and not in_class else text

    return _TOKENS.sub(replace, pattern)


@lru_cache(maxsize=None)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_to_python(pattern))
