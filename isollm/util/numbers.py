"""Whole numbers written as floats (``3.0``, ``1e3``), read as the integers they are.

JSON Schema counts ``3.0`` as an integer, so a validator accepts it where the
schema asks for one; Python code then gets a float it cannot use as a count, a
port or a PID, and the Go isollm's decoder refuses to read ``3.0`` at all. So a
whole-number float at an integer position becomes an ``int`` wherever values
enter: the config, the state files, the state records.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_whole(value: Any) -> Any:
    """``3`` for ``3.0``; any other value unchanged (``3.5``, ``inf`` and ``nan`` are left to validation)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def whole_numbers(schema: Mapping[str, Any], value: Any) -> Any:
    """``value`` with every whole-number float at a position ``schema`` types as integer made an int
    (following ``properties`` and ``items``); a new container where something changed."""
    types = schema.get("type")
    if types == "integer" or (isinstance(types, list) and "integer" in types):
        value = as_whole(value)
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [whole_numbers(schema["items"], item) for item in value]
    properties = schema.get("properties")
    if isinstance(value, dict) and isinstance(properties, Mapping):
        return {key: whole_numbers(properties[key], item) if key in properties else item
                for key, item in value.items()}
    return value
