"""Bringing a state file written by an older isollm up to the current version.

Each kind of file has one registered path: ``MIGRATIONS[kind][n]`` turns a
version ``n`` document into a version ``n + 1`` one, and loading applies them
in order. A step gets the document and the path of its file ("" when it has
none). Version 0 stands for files written before versions existed (the Go
decoder reads a missing ``version`` as 0):

- a worker file's structure is version 1's;
- ``session.json`` is the file the Go ``isollm up`` writes (cmd/up.go
  ``SessionState``): a different structure, which the session schema describes
  as ``$defs/version0``, with no process ID. A schema that describes an older
  version (``$defs/version<n>``) is checked against the document *before* it
  is migrated, so a bad file is reported as written, with its lines.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from isollm.errors import Issue
from isollm.schema.loader import load_schema
from isollm.schema.messages import schema_message

Migration = Callable[[dict[str, Any], str], dict[str, Any]]


def session_from_isollm_up(data: dict[str, Any], path: str) -> dict[str, Any]:
    """Version 0 (``isollm up``'s session.json) to version 1.

    ``up`` writes the file once its workers are ready, so the session is
    ``running``; it records no process (pid 0, which only the record's origin
    tells apart from Go's "no process" of version 1), no bare repository
    path, and sits in ``<project>/.isollm``. Its own fields (project,
    workers, airyra_port, base_branch) are kept, as is anything unknown.
    """
    migrated = {key: value for key, value in data.items() if key != "version"}
    # The project is the directory holding the state directory.
    project_root = os.path.dirname(os.path.dirname(os.path.abspath(path))) if path else ""
    migrated.update(version=1, status="running", started_at=data["started_at"], pid=0,
                    project_root=project_root, bare_repo_path="",
                    zellij_session=data.get("zellij_session", ""))
    return migrated


MIGRATIONS: dict[str, dict[int, Migration]] = {
    "session": {0: session_from_isollm_up},
    "worker": {0: lambda data, path: {**data, "version": 1}},  # the structure is version 1's
    "task": {},  # version 0 (no version written, as the Go isollm writes it) is the only one so far
}


def current_version(kind: str) -> int:
    """The newest version of ``kind`` this code understands: the schema's upper bound."""
    return int(load_schema(kind)["properties"]["version"]["maximum"])


def records_no_process(version: int) -> bool:
    """Whether session files of this ``version`` record no process (its schema requires no
    ``pid``), so whether their session runs cannot be told from them."""
    described = load_schema("session").get("$defs", {}).get(f"version{version}")
    return described is not None and "pid" not in described.get("required", [])


def described_as_written(kind: str, version: Any) -> bool:
    """Whether the schema describes documents of this older ``version`` as they are written."""
    if isinstance(version, bool) or not isinstance(version, int) or version >= current_version(kind):
        return False
    return f"version{version}" in load_schema(kind).get("$defs", {})


def migrate(kind: str, data: dict[str, Any], *, path: str = "") -> tuple[dict[str, Any], Issue | None]:
    """``data`` at the current version, or the issue that stops it (newer, unknown version).

    A version that is not a whole number is left for the schema to report.
    """
    version_schema = load_schema(kind)["properties"]["version"]
    current = current_version(kind)
    version = data.get("version", 0)  # none written: 0, as the Go decoder reads it
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
        data = step(data, path)
        version += 1
    return data, None
