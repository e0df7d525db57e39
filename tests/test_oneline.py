"""``one_line`` skips its regex for printable text: that shortcut must never let an unsafe character through."""

from __future__ import annotations

import re
import sys

from isollm import errors as oneline
from isollm.errors import one_line


def test_every_unsafe_character_is_one_isprintable_refuses() -> None:
    unsafe = re.compile(oneline._UNSAFE_CHARS)
    assert [hex(c) for c in range(sys.maxunicode + 1) if unsafe.match(chr(c)) and chr(c).isprintable()] == []


def test_unsafe_text_is_escaped_and_printable_text_kept() -> None:
    assert one_line("a\nb\x1b[2J\u202eévil\ud800\u2028") == "a\\nb\\x1b[2J\\u202eévil\\ud800\\u2028"
    assert one_line("plain, ünïcode and 漢字") == "plain, ünïcode and 漢字"
    assert one_line("\u00a0x") == "\u00a0x"  # not printable to isprintable(), safe to print: kept as it is
