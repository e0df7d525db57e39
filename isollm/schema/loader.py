"""Finding and reading the schema files, the single source of truth."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_FILES = {"config": "isollm.schema.json", "session": "session.schema.json",
                "worker": "worker.schema.json", "task": "task.schema.json"}
SCHEMA_NAMES = tuple(SCHEMA_FILES)


def _schema_file(name: str) -> str:
    if name not in SCHEMA_FILES:
        raise ValueError(f"unknown schema {name!r}; expected one of: {', '.join(SCHEMA_NAMES)}")
    # In a wheel the schemas are inside the package; in a checkout at the repository's top level.
    package = os.path.dirname(os.path.dirname(__file__))
    packaged = os.path.join(package, "schemas")
    if not os.path.isdir(packaged):
        packaged = os.path.join(os.path.dirname(os.path.realpath(package)), "schemas")
    return os.path.join(packaged, SCHEMA_FILES[name])


def schema_path(name: str) -> Path:
    # Imported here: pathlib costs the hook ~0.14x `import yaml` (bench/run.py --clean), and it needs no Path.
    from pathlib import Path

    return Path(_schema_file(name))


@lru_cache(maxsize=None)
def schema_bytes(name: str) -> bytes:
    with open(_schema_file(name), "rb") as handle:
        return handle.read()


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    """The parsed schema, once per process: callers must not mutate it."""
    schema: dict[str, Any] = json.loads(schema_bytes(name))
    return schema


def schema_types(schema: Mapping[str, Any]) -> list[str]:
    """The JSON types a (sub)schema's ``type`` allows, as a list (none: any)."""
    kinds = schema.get("type", [])
    return kinds if isinstance(kinds, list) else [kinds]
