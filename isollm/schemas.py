"""Finding and reading the three schema files, the single source of truth."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_NAMES = ("config", "session", "worker")
_FILE_NAMES = {"config": "isollm.schema.json", "session": "session.schema.json",
               "worker": "worker.schema.json"}


def _schema_dir() -> Path:
    # In a wheel the schemas ship inside the package; in a source checkout they
    # live at the top level of the repository, where people and editors find them.
    packaged = Path(__file__).parent / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "schemas"


def schema_path(name: str) -> Path:
    """Path of the schema file called ``name`` (config, session or worker)."""
    if name not in _FILE_NAMES:
        raise ValueError(f"unknown schema {name!r}; expected one of: {', '.join(SCHEMA_NAMES)}")
    return _schema_dir() / _FILE_NAMES[name]


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    """The parsed schema; callers must not mutate it."""
    with open(schema_path(name), encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def subschema(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    """The subschema describing the instance location ``pointer`` (e.g. ``/airyra/port``)."""
    node = schema
    for part in [p for p in pointer.split("/") if p]:
        if part.isdigit() and "items" in node:
            node = node["items"]
        else:
            node = node.get("properties", {}).get(part, {})
    return node


def schema_default(schema: dict[str, Any], pointer: str) -> Any:
    """The ``default`` the schema declares for ``pointer``, or None."""
    return subschema(schema, pointer).get("default")
