"""State records to validated JSON bytes and back.

Writing: the record's dict must pass its schema (the compiled check; the slow
explanation runs only when it fails) before any byte is produced. Reading:
the bytes must be UTF-8 JSON holding an object, at a version this code
understands (older ones are migrated), passing the schema.
"""

from __future__ import annotations

import json
import math
from typing import Any

from isollm.errors import InvalidStateError, Issue, ValidationError
from isollm.io.yamlio import Document, parse_yaml
from isollm.schema.decide import checker_for, validate_instance
from isollm.schema.loader import load_schema
from isollm.schema.messages import schema_message
from isollm.schema.pointer import child as pointer_child
from isollm.state.migrations import described_as_written, migrate
from isollm.schema.formats import whole_numbers
from isollm.util.oneline import one_line

TITLES = {"session": "invalid session", "worker": "invalid worker state", "task": "invalid task file"}

# Go's encoder escapes these inside strings (HTML safety, JavaScript line separators).
_GO_TABLE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                           "\u2029": "\\u2029"})


def _explain(kind: str, data: Any, text: str | None) -> list[Issue]:
    return validate_instance(kind, data, _document(text) if text is not None else None)


def _document(text: str) -> Document | None:
    """The JSON text parsed as YAML 1.2 (a superset), for line and column; None if that fails."""
    try:
        return parse_yaml(text)
    except Exception:  # locations are a nicety; the JSON parser already accepted the text
        return None


def located(raw: bytes, message: str, pointer: str, keyword: str) -> Issue:
    """An issue about ``pointer`` in the JSON ``raw``, with its line and column when they can be found."""
    document = _document(raw.decode("utf-8", "replace"))
    line, column = document.locate(pointer) if document else (None, None)
    return Issue(message, pointer, line, column, keyword)


class _NotJsonNumber(ValueError):
    """A number Python's json reads but JSON has no such number: NaN, Infinity, 1e400."""


def _refuse_constant(name: str) -> Any:
    raise _NotJsonNumber(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 reads as inf: a number no float holds
        raise _NotJsonNumber(f"number is too large ({one_line(text, 40)})")
    return value


def _non_finite(value: Any, pointer: str = "") -> tuple[str, float] | None:
    """The pointer and value of the first NaN or infinity in ``value``, if any."""
    if isinstance(value, float) and not math.isfinite(value):
        return pointer, value
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _non_finite(item, pointer_child(pointer, key))
        if found is not None:
            return found
    return None


def encode_state(kind: str, data: dict[str, Any], *, path: str = "") -> bytes:
    """The bytes to write for ``data``, as Go's ``json.MarshalIndent(v, "", "  ")`` writes them.

    Whole-number floats at integer positions are written as integers (``1``, never ``1.0``,
    which the Go decoder refuses); NaN and infinities, which JSON cannot hold, are refused.
    """
    data = whole_numbers(load_schema(kind), data)
    if not checker_for(kind)(data):
        raise ValidationError(_explain(kind, data, None), path=path, title=TITLES[kind])
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:
        found = _non_finite(data)  # where, looked for only when json refuses one
        if found is None:
            raise
        issue = Issue(f"{found[1]!r} is not a JSON number", found[0], keyword="type")
        raise ValidationError([issue], path=path, title=TITLES[kind]) from None
    text = text.translate(_GO_TABLE)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        issue = Issue("contains text that is not valid Unicode (a lone surrogate)", keyword="type")
        raise ValidationError([issue], path=path, title=TITLES[kind]) from error


def _fail(kind: str, path: str, message: str, keyword: str, line: int | None = None,
          column: int | None = None, pointer: str = "") -> InvalidStateError:
    return InvalidStateError([Issue(message, pointer, line, column, keyword)], path=path, title=TITLES[kind])


def decode_state(kind: str, raw: bytes, *, path: str = "") -> dict[str, Any]:
    """The validated, current-version dict held by ``raw``; ``InvalidStateError`` says what is wrong."""
    return decode_state_versioned(kind, raw, path=path)[0]


def decode_state_versioned(kind: str, raw: bytes, *, path: str = "") -> tuple[dict[str, Any], int]:
    """``decode_state``, and the version the file was written at (before any migration)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _fail(kind, path, f"not UTF-8 text (byte {error.start})", "encoding") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except _NotJsonNumber as error:
        raise _fail(kind, path, f"not valid JSON: {error}", "json") from None
    except json.JSONDecodeError as error:
        detail = " (empty file)" if not text.strip() else ""
        raise _fail(kind, path, f"not valid JSON: {error.msg}{detail}", "json", error.lineno, error.colno) from None
    except RecursionError:
        raise _fail(kind, path, "not valid JSON: nested too deeply", "json") from None
    except ValueError as error:  # json.loads refuses integers longer than int() converts
        raise _fail(kind, path, f"not usable JSON: {str(error).split(';')[0]}", "json") from None
    if not isinstance(data, dict):
        raise _fail(kind, path, schema_message(load_schema(kind), "type", location="", instance=data), "type", 1, 1)
    data = whole_numbers(load_schema(kind), data)
    written = data.get("version", 0)  # none written: 0, as the Go decoder reads it
    if described_as_written(kind, written) and not checker_for(kind)(data):
        # An older file the schema describes is judged as written, before any migration.
        raise InvalidStateError(_explain(kind, data, text), path=path, title=TITLES[kind])
    data, problem = migrate(kind, data, path=path)
    if problem is not None:
        issue = located(raw, problem.message, problem.pointer, problem.keyword)
        raise InvalidStateError([issue], path=path, title=TITLES[kind])
    if not checker_for(kind)(data):
        raise InvalidStateError(_explain(kind, data, text), path=path, title=TITLES[kind])
    return data, written
