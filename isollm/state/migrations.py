"""Bringing a state file written by an older isollm up to the current version.

Each kind of file has one registered path: ``MIGRATIONS[kind][n]`` turns a
version ``n`` document into a version ``n + 1`` one, and loading applies them
in order. Version 0 stands for files written before versions existed (the Go
decoder reads a missing ``version`` as 0); its structure is version 1's.
"""

from __future__ import annotations

from typing import Any, Callable

from isollm.errors import Issue
from isollm.schema.loader import load_schema
from isollm.schema.messages import schema_message

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _bump(to: int) -> Migration:
    """A migration that changes nothing but the version number."""
    def migrate(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "version": to}
    return migrate


MIGRATIONS: dict[str, dict[int, Migration]] = {
    "session": {0: _bump(1)},
    "worker": {0: _bump(1)},
}


def migrate(kind: str, data: dict[str, Any]) -> tuple[dict[str, Any], Issue | None]:
    """``data`` at the current version, or the issue that stops it (newer, unknown version).

    A version that is not a whole number is left for the schema to report.
    """
    version_schema = load_schema(kind)["properties"]["version"]
    current = int(version_schema["maximum"])
    version = data.get("version", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version == current:
        return data, None
    if version > current:
        message = schema_message(version_schema, "maximum", location="/version", instance=version)
        return data, Issue(message, "/version", keyword="maximum")
    steps = MIGRATIONS[kind]
    while version < current:
        step = steps.get(version)
        if step is None:
            message = schema_message(version_schema, "minimum.migration", location="/version", instance=version)
            return data, Issue(message, "/version", keyword="minimum")
        data = step(data)
        version += 1
    return data, None
