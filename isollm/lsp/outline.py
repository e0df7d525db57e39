"""Where the cursor is in a config being typed, from the indentation of the lines alone.

While someone types, the text is often not YAML yet (``git:`` with nothing under it, a key
half written, a tab): completion and hover must still know which section a line belongs
to. A key's section is the nearest key line above it that is indented less; the keys of a
section are the key lines indented like the cursor's, up to the end of the section. Only
block mappings of simple keys are read: that is every section the config schema has.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# A key line: its indentation, the key, and what follows the colon (a value, a comment).
_KEY_LINE = re.compile(r"([ \t]*)([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(.*))?$")


class KeyLine(NamedTuple):
    """A ``key: value`` line: where its key starts and ends, and where its value starts."""

    indent: int
    key: str
    key_end: int
    value_start: int  # the line's length where there is no value after the colon
    value: str  # as written, a trailing comment removed


def lines_of(text: str) -> list[str]:
    """The lines of ``text`` as LSP counts them (``\\n``, ``\\r\\n`` or ``\\r`` end one)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def key_line(line: str) -> KeyLine | None:
    """``line`` read as a key line, or None (a comment, a list entry, a blank, anything else)."""
    match = _KEY_LINE.match(line.rstrip("\r"))
    if match is None:
        return None
    value = match.group(3) or ""
    start = match.start(3) if match.group(3) is not None else len(line)
    if value.startswith("#"):
        value, start = "", len(line)
    elif " #" in value:
        value = value[:value.index(" #")]
    return KeyLine(len(match.group(1)), match.group(2), match.end(2), start, value.rstrip())


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _content(line: str) -> bool:
    """Whether ``line`` holds something (not blank, not only a comment)."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def section_path(lines: list[str], index: int, indent: int) -> list[str] | None:
    """The keys of the sections enclosing a key at ``indent`` on line ``index``, outermost first
    (``[]`` at the top level); None when it is inside something else (a list, a block of text)."""
    path: list[str] = []
    for above in range(index - 1, -1, -1):
        if indent == 0:
            break
        line = lines[above]
        if not _content(line) or indent_of(line) >= indent:
            continue
        parent = key_line(line)
        if parent is None or parent.value:
            return None
        path.insert(0, parent.key)
        indent = parent.indent
    return path if indent == 0 else None


def sibling_keys(lines: list[str], index: int, indent: int) -> set[str]:
    """The keys written at ``indent`` in the section holding line ``index`` (that line's excepted)."""
    keys: set[str] = set()
    for step in (-1, 1):
        other = index + step
        while 0 <= other < len(lines):
            line = lines[other]
            if _content(line):
                if indent_of(line) < indent:
                    break
                found = key_line(line)
                if found is not None and found.indent == indent:
                    keys.add(found.key)
            other += step
    return keys
