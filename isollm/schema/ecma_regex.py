"""JSON Schema patterns (ECMA-262 regular expressions) for Python's ``re``.

A leaf module: both validators, the formats and anything else that reads a
schema ``pattern`` compile it here, so they all agree on what it matches.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=None)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a JSON Schema (ECMA-262) pattern for Python's ``re``.

    ECMA's ``$`` matches only at the very end; Python's also before a final
    newline, which would let ``"name\\n"`` pass ``^[a-z]+$``. A ``$`` escaped
    or inside a character class is a literal dollar and stays as it is.
    """
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append(r"\Z")
            continue
        out.append(char)
    return re.compile("".join(out))
