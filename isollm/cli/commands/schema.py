"""``isollm schema``: print a schema, or the path of the installed file, for editors and tools."""

from __future__ import annotations

import sys

from isollm.schema.loader import schema_path


def run(name: str = "config", *, path: bool = False) -> int:
    location = schema_path(name)
    if path:
        print(location)
        return 0
    text = location.read_text(encoding="utf-8")  # unreadable (a broken install): exits says why, with the path
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
