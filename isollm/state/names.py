"""Worker names, checked before any path is built from them."""

from __future__ import annotations

from functools import lru_cache

from isollm.errors import ValidationError
from isollm.schema.decide import Check, compile_schema, validate_instance
from isollm.schema.loader import load_schema


@lru_cache(maxsize=None)
def _name_check() -> Check:
    return compile_schema(load_schema("worker")["properties"]["name"])


def check_worker_name(name: object) -> str:
    """``name`` if the worker schema accepts it as a name, else ``ValidationError`` saying why."""
    if isinstance(name, str) and _name_check()(name):
        return name
    issues = [i for i in validate_instance("worker", {"name": name}) if i.pointer == "/name"]
    raise ValidationError(issues, title="invalid worker name")
