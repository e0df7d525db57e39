"""Whole numbers written as floats (``3.0``, ``1e3``), read as the integers they are.

JSON Schema counts ``3.0`` as an integer; Python code cannot use it as a count or a port, and the
Go isollm's decoder refuses it. So it becomes an ``int`` wherever values enter (config, state).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_whole(value: Any) -> Any:
    """``3`` for ``3.0``; any other value unchanged (``3.5``, ``inf``, ``nan`` are left to validation)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def whole_numbers(schema: Mapping[str, Any], value: Any) -> Any:
    """``value`` with every whole-number float where ``schema`` wants an integer made an int."""
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
