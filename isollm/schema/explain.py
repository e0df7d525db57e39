"""The jsonschema side, only for invalid input: ``IsollmValidator`` (Draft 2020-12 with the toolkit's
formats, ``hostPortsDistinct`` and ECMA-262 patterns; ``isollm.validator`` is its documented path), and
its errors turned into located messages: which problems to tell, and where.

jsonschema takes about 80 us per error and walks the whole value, so the fast compiled checks first
find the parts that fail (``_faults``); jsonschema explains only the first ones by position.
"""

from __future__ import annotations

from collections import deque
from functools import lru_cache
from typing import Any, Iterable, Iterator, NamedTuple

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError as JsonschemaValidationError

from isollm.errors import Issue
from isollm.io.yamlio import Document
from isollm.schema import pointer as pointers
from isollm.schema.decide import compile_schema
from isollm.schema.formats import compile_pattern, format_check, format_reason, host_port_conflicts
from isollm.schema.loader import load_schema, schema_types
from isollm.schema.messages import closest, schema_message, schema_template

_standard_format = Draft202012Validator.VALIDATORS["format"]
_Errors = Iterator[JsonschemaValidationError]  # what a keyword's function yields


def _format(validator: Any, format_name: str, instance: Any, schema: dict[str, Any]) -> _Errors:
    check = format_check(format_name, schema)
    if check is None:
        yield from _standard_format(validator, format_name, instance, schema)
        return
    cause: ValueError | None = None
    try:
        if check(instance):
            return
    except ValueError as error:
        cause = error
    reason = format_reason(format_name, cause)
    # No location here: jsonschema builds an error's path as it returns from the descent.
    yield JsonschemaValidationError(schema_message(schema, "format", instance=instance, reason=reason), cause=cause)


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> _Errors:
    if isinstance(instance, str) and not compile_pattern(pattern).search(instance):
        yield JsonschemaValidationError(f"{instance!r} does not match {pattern!r}")


def _host_ports(validator: Any, spec: dict[str, Any], instance: Any, schema: dict[str, Any]) -> _Errors:
    entries = pointers.split(spec["list"])
    for where, message in host_port_conflicts(spec, instance, schema):  # ``where``: an entry, its index last
        yield JsonschemaValidationError(message, path=deque([*entries, int(pointers.split(where)[-1])]))


IsollmValidator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"format": _format, "pattern": _pattern, "hostPortsDistinct": _host_ports})


_TYPE_WORDS = {"integer": "a whole number", "number": "a number", "string": "a string",
               "object": "a mapping", "array": "a list", "boolean": "true or false", "null": "null"}


# The keywords on a value's members (and hostPortsDistinct, told apart); the rest are the value's own.
_NOT_OWN = frozenset({"properties", "additionalProperties", "items", "hostPortsDistinct"})


class Fault(NamedTuple):
    """A failing part: the value at ``tokens`` (keys and indexes from the top), the schema to explain it
    with, and the keyword it fails when that is told here, not by jsonschema: ``additionalProperties``
    (the last token is a key the mapping does not allow) or ``hostPortsDistinct``."""

    tokens: tuple[str | int, ...]
    instance: Any
    schema: Any
    keyword: str = ""


def _faults(root: dict[str, Any], schema: Any, instance: Any, tokens: tuple[str | int, ...] = ()) -> Iterator[Fault]:
    """The failing parts of ``instance``, which fails ``schema`` (in ``root``): parents first, members in order."""
    if not isinstance(schema, dict):  # the schema ``false``
        yield Fault(tokens, instance, schema)
        return
    properties, items = schema.get("properties", {}), schema.get("items")
    members: Iterable[tuple[str | int, Any, Any]] = ()  # a value with nothing below it fails on its own keywords
    if isinstance(instance, dict) and ("properties" in schema or "additionalProperties" in schema):
        extra = schema.get("additionalProperties", True)
        members = ((key, value, properties.get(key, extra)) for key, value in instance.items())
    elif isinstance(instance, list) and isinstance(items, dict):
        members = ((index, item, items) for index, item in enumerate(instance))
    found = False
    own = {k: v for k, v in schema.items() if k not in _NOT_OWN}
    if not compile_schema(own, root)(instance):
        found = True
        yield Fault(tokens, instance, own)
    spec = schema.get("hostPortsDistinct")
    if spec is not None and next(host_port_conflicts(spec, instance, schema), None) is not None:
        found = True
        yield Fault(tokens, instance, schema, "hostPortsDistinct")
    for token, value, sub in members:
        if sub is False and token not in properties:
            parts: Iterable[Fault] = [Fault((*tokens, token), value, schema, "additionalProperties")]
        else:
            parts = () if compile_schema(sub, root)(value) else _faults(root, sub, value, (*tokens, token))
        for fault in parts:
            found = True
            yield fault
    if not found:  # a rule this walk does not know failed: explain the value whole
        yield Fault(tokens, instance, schema)


@lru_cache(maxsize=None)
def _validator(name: str) -> Any:
    return IsollmValidator(load_schema(name))


# A problem is not told when the same value has one that says it better: a format's reason than the
# pattern shadowing it, a name's characters than its length, a wrong type than a range.
_SHADOWED_BY = {"pattern": "format", "not": "format", "minLength": "pattern", "maxLength": "pattern",
                "minimum": "type", "maximum": "type"}
Found = tuple[str, str, str, bool]  # pointer, message, keyword, whether it is told at the key


def _unknown_key(schema: dict[str, Any], parent: str, name: str) -> Found:
    """A key the mapping's ``schema`` does not allow, with the known key it is closest to."""
    child = pointers.child(parent, name)
    close = closest(str(name), schema.get("properties", {}))
    if name == "<<":  # YAML 1.1's merge key, which YAML 1.2 (and so this toolkit) reads as a plain key
        message = schema_message(schema, "additionalProperties.merge", location=child)
    elif close is not None:
        message = schema_message(schema, "additionalProperties.suggestion", location=child,
                                 suggestion=pointers.dotted(pointers.child(parent, close)))
    else:
        message = schema_message(schema, "additionalProperties", location=child)
    return (child, message, "additionalProperties", True)


def _describe(error: JsonschemaValidationError, root: dict[str, Any], prefix: str = "") -> list[Found]:
    """What one jsonschema error says, at the value ``prefix`` names."""
    keyword = str(error.validator)
    pointer = prefix + pointers.join(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "required":
        out = []
        for name in error.validator_value:  # type: ignore[union-attr]
            if isinstance(error.instance, dict) and name not in error.instance:
                child = pointers.child(pointer, name)
                # A "required" inside then/else names properties its parent describes.
                sub = schema.get("properties", {}).get(name) or pointers.subschema(root, child)
                message = schema_message(sub, "required", location=child)
                out.append((pointer, message, keyword, False))
        return out
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        known = schema.get("properties", {})
        return [_unknown_key(schema, pointer, name) for name in error.instance if name not in known]
    if keyword == "hostPortsDistinct":  # the keyword made its message, with the entry's location
        return [(pointer, error.message, keyword, False)]
    fields: dict[str, object] = {"reason": error.message}
    if keyword == "format":
        fields["reason"] = format_reason(str(error.validator_value), error.cause)
    elif keyword == "type":
        fields["expected"] = " or ".join(_TYPE_WORDS.get(kind, kind) for kind in schema_types(schema))
    message = schema_message(schema, keyword, location=pointer, instance=error.instance, **fields)
    return [(pointer, message, keyword, False)]


def _prune(found: list[Found], instance: Any, schema: dict[str, Any], seen: set[tuple[str, str]]) -> list[Found]:
    """One problem, one message: drop what another problem of the same value says better, and
    repeats (``seen``: what was told already)."""
    said = {(pointer, keyword) for pointer, _, keyword, _ in found}
    kept = []
    for item in found:
        pointer, message, keyword, at_key = item
        if (pointer, _SHADOWED_BY.get(keyword)) in said:
            continue
        # An empty string where a value is required reads as "is required".
        sub = pointers.subschema(schema, pointer)
        if schema_template(sub, "required") and pointers.resolve(instance, pointer) == "" and keyword != "type":
            item = (pointer, schema_message(sub, "required", location=pointer, instance=""), "required", at_key)
        if (pointer, item[1]) in seen:
            continue
        seen.add((pointer, item[1]))
        kept.append(item)
    return kept


def _describe_fault(name: str, fault: Fault, root: dict[str, Any]) -> list[Found]:
    at = pointers.join(fault.tokens)
    if fault.keyword == "additionalProperties":
        return [_unknown_key(fault.schema, pointers.join(fault.tokens[:-1]), str(fault.tokens[-1]))]
    if fault.keyword == "hostPortsDistinct":
        spec = fault.schema["hostPortsDistinct"]
        return [(at + where, message, "hostPortsDistinct", False)
                for where, message in host_port_conflicts(spec, fault.instance, fault.schema)]
    # A validator for the part, its $refs resolved against the whole schema.
    return [found for error in _validator(name).evolve(schema=fault.schema).iter_errors(fault.instance)
            for found in _describe(error, root, at)]


def explain(name: str, instance: Any, document: Document | None = None,
            limit: int | None = None) -> tuple[list[Issue], int]:
    """The problems of ``instance``, which fails the named schema, located in ``document``, until ``limit``
    are told (all when None), and how many more failing parts were counted but not explained."""
    schema = load_schema(name)
    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    more = 0
    for fault in _faults(schema, schema, instance):
        if limit is not None and len(issues) >= limit:
            more += 1
            continue
        for pointer, message, keyword, at_key in _prune(_describe_fault(name, fault, schema), instance, schema, seen):
            line, column = document.locate(pointer, key=at_key) if document else (None, None)
            issues.append(Issue(message, pointer, line, column, keyword))
    return issues, more
