"""Turning jsonschema's errors into the toolkit's human, located messages.

Messages live in the schema (each subschema's ``x-messages``) and are filled
by ``isollm.schema.messages``; this module decides which problems to tell and
where each one is.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema.exceptions import ValidationError as JsonschemaValidationError
from jsonschema.exceptions import best_match

from isollm.errors import Issue
from isollm.schema import pointer as pointers
from isollm.schema.loader import load_schema
from isollm.schema.messages import closest, schema_message, schema_template
from isollm.schema.pointer import subschema
from isollm.schema.validator_class import IsollmValidator
from isollm.io.yamlio import Document

_TYPE_WORDS = {"integer": "a whole number", "number": "a number", "string": "a string",
               "object": "a mapping", "array": "a list", "boolean": "true or false", "null": "null"}


@lru_cache(maxsize=None)
def _validator(name: str) -> Any:
    return IsollmValidator(load_schema(name))


def _describe(error: JsonschemaValidationError, root: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(pointer, message, keyword, at_key) for one jsonschema error against the schema ``root``."""
    keyword = str(error.validator)
    pointer = pointers.join(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "required":
        out = []
        for name in error.validator_value:  # type: ignore[union-attr]
            if isinstance(error.instance, dict) and name not in error.instance:
                child = pointers.child(pointer, name)
                # A "required" inside then/else names properties its parent describes.
                sub = schema.get("properties", {}).get(name) or subschema(root, child)
                message = schema_message(sub, "required", location=child)
                out.append((pointer, message, keyword, False))
        return out
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        known = list(schema.get("properties", {}))
        out = []
        for name in error.instance:
            if name in known:
                continue
            child = pointers.child(pointer, name)
            close = closest(str(name), known)
            if close is not None:
                message = schema_message(schema, "additionalProperties.suggestion", location=child,
                                         suggestion=pointers.dotted(pointers.child(pointer, close)))
            else:
                message = schema_message(schema, "additionalProperties", location=child)
            out.append((child, message, keyword, True))
        return out
    if keyword == "hostPortsDistinct":  # the keyword made its message, with the entry's location
        return [(pointer, error.message, keyword, False)]
    fields: dict[str, object] = {"reason": error.message}
    if keyword == "format":
        cause = error.cause
        fields["reason"] = str(cause) if cause is not None else f"is not a valid {error.validator_value}"
    elif keyword == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        fields["expected"] = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in expected)
    message = schema_message(schema, keyword, location=pointer, instance=error.instance, **fields)
    return [(pointer, message, keyword, False)]


def _prune(found: list[tuple[str, str, str, bool]], instance: Any, schema: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    by_pointer: dict[str, set[str]] = {}
    for pointer, _, keyword, _ in found:
        by_pointer.setdefault(pointer, set()).add(keyword)
    kept = []
    seen: set[tuple[str, str]] = set()
    for item in found:
        pointer, message, keyword, at_key = item
        keywords = by_pointer[pointer]
        # A format's reason is more precise than the pattern (or `not` pattern) that shadows it.
        if keyword in ("pattern", "not") and "format" in keywords:
            continue
        # A name with characters it may not hold is told that; its length comes after.
        if keyword in ("minLength", "maxLength") and "pattern" in keywords:
            continue
        # A value of the wrong type gets the type's message alone: its range means nothing.
        if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") and "type" in keywords:
            continue
        # An empty string where a value is required reads as "is required".
        sub = subschema(schema, pointer)
        if schema_template(sub, "required") and pointers.resolve(instance, pointer) == "" and keyword != "type":
            item = (pointer, schema_message(sub, "required", location=pointer, instance=""), "required", at_key)
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
        found.extend(_describe(error, schema))
    issues = []
    for pointer, message, keyword, at_key in _prune(found, instance, schema):
        line, column = document.locate(pointer, key=at_key) if document else (None, None)
        issues.append(Issue(message, pointer, line, column, keyword))
    return issues
