"""Turning jsonschema's errors into the toolkit's human, located messages.

Messages live in the schema: each subschema's ``x-messages`` maps a keyword to
a template whose fields are the subschema's own keywords (``{minimum}``), the
value (``{instance}``), and for formats the reason the check gave.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from typing import Any

from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match

from isollm.errors import Issue
from isollm.schema import pointer as pointers
from isollm.schema.loader import load_schema
from isollm.schema.pointer import subschema
from isollm.schema.validator_class import IsollmValidator, _Fields
from isollm.io.yamlio import Document

_TYPE_WORDS = {"integer": "a whole number", "number": "a number", "string": "a string",
               "object": "a mapping", "array": "a list", "boolean": "true or false", "null": "null"}


@lru_cache(maxsize=None)
def _validator(name: str) -> Any:
    return IsollmValidator(load_schema(name))


def _dotted(pointer: str) -> str:
    return pointers.dotted(pointer) if pointer else "the config"


def _template_fields(error: SchemaError, pointer: str, reason: str = "") -> _Fields:
    schema = error.schema if isinstance(error.schema, dict) else {}
    fields = _Fields({k: v for k, v in schema.items() if isinstance(v, (int, float, str))})
    instance = error.instance
    fields.update(
        instance=instance if isinstance(instance, str) else json.dumps(instance, default=str),
        instance_json=json.dumps(instance, default=str, ensure_ascii=False),
        field=_dotted(pointer),
        reason=reason,
    )
    if isinstance(schema.get("enum"), list):
        fields["enum_list"] = ", ".join(str(v) for v in schema["enum"])
    return fields


def _message(error: SchemaError, keyword: str, pointer: str, fallback: str) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    template = schema.get("x-messages", {}).get(keyword)
    if template is None:
        return fallback
    reason = str(error.cause) if error.cause is not None else ""
    return str(template).format_map(_template_fields(error, pointer, reason))


def _describe(error: SchemaError) -> list[tuple[str, str, str, bool]]:
    """(pointer, message, keyword, at_key) for one jsonschema error."""
    keyword = str(error.validator)
    pointer = pointers.join(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "required":
        out = []
        for name in error.validator_value:  # type: ignore[union-attr]
            if isinstance(error.instance, dict) and name not in error.instance:
                child = pointers.child(pointer, name)
                template = schema.get("properties", {}).get(name, {}).get("x-messages", {}).get("required")
                out.append((pointer, template or f"{_dotted(child)} is required", keyword, False))
        return out
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        known = list(schema.get("properties", {}))
        out = []
        for name in error.instance:
            if name in known:
                continue
            child = pointers.child(pointer, name)
            message = f'unknown key "{_dotted(child)}"'
            close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
            if close:
                message += f' (did you mean "{_dotted(pointers.child(pointer, close[0]))}"?)'
            out.append((child, message, keyword, True))
        return out
    if keyword in ("format", "hostPortsDistinct"):
        return [(pointer, error.message, keyword, False)]
    if keyword == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in expected)
        fallback = f"{_dotted(pointer)} must be {words}"
        return [(pointer, _message(error, keyword, pointer, fallback), keyword, False)]
    fallback = f"{_dotted(pointer)}: {error.message}"
    return [(pointer, _message(error, keyword, pointer, fallback), keyword, False)]


def _prune(found: list[tuple[str, str, str, bool]], instance: Any, schema: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    by_pointer: dict[str, set[str]] = {}
    for pointer, _, keyword, _ in found:
        by_pointer.setdefault(pointer, set()).add(keyword)
    kept = []
    seen: set[tuple[str, str]] = set()
    for item in found:
        pointer, message, keyword, at_key = item
        keywords = by_pointer[pointer]
        # A format's reason is more precise than the pattern that shadows it.
        if keyword == "pattern" and "format" in keywords:
            continue
        # A value of the wrong type gets the type's message alone: its range means nothing.
        if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") and "type" in keywords:
            continue
        # An empty string where a value is required reads as "is required".
        required_message = subschema(schema, pointer).get("x-messages", {}).get("required")
        if required_message and pointers.resolve(instance, pointer) == "" and keyword != "type":
            item = (pointer, required_message, "required", at_key)
        if (pointer, item[1]) in seen:
            continue
        seen.add((pointer, item[1]))
        kept.append(item)
    return kept


def explain(name: str, instance: Any, document: Document | None = None) -> list[Issue]:
    """Every problem of ``instance`` against the named schema, with locations from ``document``."""
    schema = load_schema(name)
    found: list[tuple[str, str, str, bool]] = []
    for error in _validator(name).iter_errors(instance):
        if error.context:
            error = best_match(error.context)
        found.extend(_describe(error))
    issues = []
    for pointer, message, keyword, at_key in _prune(found, instance, schema):
        line, column = document.locate(pointer, key=at_key) if document else (None, None)
        issues.append(Issue(message, pointer, line, column, keyword))
    return issues
