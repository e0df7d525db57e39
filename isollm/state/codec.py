"""State records to validated JSON bytes and back, older versions migrated on the way in.

A write must pass the schema before any byte is produced; a read must be UTF-8 JSON holding an
object, at a version this code understands, passing the schema. ``MIGRATIONS[kind][n]`` turns a
version ``n`` document (and its file's path, "" when none) into a version ``n + 1`` one; version 0
is a file without ``version``, as the Go isollm writes them (``isollm up``'s ``session.json`` is the
session schema's ``$defs/version0``). An older version the schema describes is checked before it is
migrated, so a bad file is reported as written, with its lines.
"""

from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from typing import Any, Callable

from isollm.errors import InvalidStateError, Issue, ValidationError, one_line
from isollm.io.yamlio import Document, parse_yaml
from isollm.schema.decide import Check, checker_for, compile_schema, validate_instance
from isollm.schema.formats import whole_numbers
from isollm.schema.loader import load_schema
from isollm.schema.messages import schema_message
from isollm.schema.pointer import child as pointer_child

TITLES = {"session": "invalid session", "worker": "invalid worker state", "task": "invalid task file"}

# Go's encoder escapes these inside strings (HTML safety, JavaScript line separators).
_GO_TABLE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                           "\u2029": "\\u2029"})

Migration = Callable[[dict[str, Any], str], dict[str, Any]]


def session_from_isollm_up(data: dict[str, Any], path: str) -> dict[str, Any]:
    """Version 0 to 1. ``up`` writes the file once its workers are ready, so the session is
    ``running``; it records no process (pid 0, which only the record's origin tells apart from
    version 1's "no process") and sits in ``<project>/.isollm``. Its own fields are kept."""
    project_root = os.path.dirname(os.path.dirname(os.path.abspath(path))) if path else ""
    return {**data, "version": 1, "status": "running", "pid": 0, "project_root": project_root,
            "bare_repo_path": "", "zellij_session": data.get("zellij_session", "")}


MIGRATIONS: dict[str, dict[int, Migration]] = {
    "session": {0: session_from_isollm_up},
    "worker": {0: lambda data, path: {**data, "version": 1}},  # the structure is version 1's
    "task": {},  # version 0 (no version written, as the Go isollm writes it) is the only one so far
}


def current_version(kind: str) -> int:  # the newest this code understands
    return int(load_schema(kind)["properties"]["version"]["maximum"])


@lru_cache(maxsize=None)
def _name_check() -> Check:
    return compile_schema(load_schema("worker")["properties"]["name"])


def check_worker_name(name: object) -> str:
    """``name`` if the worker schema accepts it (before any path is built from it), else ``ValidationError``."""
    if isinstance(name, str) and _name_check()(name):
        return name
    issues = [i for i in validate_instance("worker", {"name": name}) if i.pointer == "/name"]
    raise ValidationError(issues, title="invalid worker name")


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
    """The bytes to write for ``data``, as Go's ``json.MarshalIndent(v, "", "  ")`` writes them: a
    whole-number float at an integer position as an integer (the Go decoder refuses ``1.0``)."""
    data = whole_numbers(load_schema(kind), data)
    if not checker_for(kind)(data):
        raise ValidationError(validate_instance(kind, data), path=path, title=TITLES[kind])
    found = _non_finite(data)  # json would refuse it, without saying where
    if found is not None:
        issue = Issue(f"{found[1]!r} is not a JSON number", found[0], keyword="type")
        raise ValidationError([issue], path=path, title=TITLES[kind])
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    try:
        return text.translate(_GO_TABLE).encode("utf-8")
    except UnicodeEncodeError as error:
        issue = Issue("contains text that is not valid Unicode (a lone surrogate)", keyword="type")
        raise ValidationError([issue], path=path, title=TITLES[kind]) from error


def invalid(kind: str, path: str | os.PathLike[str], message: str, keyword: str, line: int | None = None,
            column: int | None = None) -> InvalidStateError:
    return InvalidStateError([Issue(message, "", line, column, keyword)], path=os.fspath(path), title=TITLES[kind])


def decode_state(kind: str, raw: bytes, *, path: str = "") -> tuple[dict[str, Any], int]:
    """The validated, current-version dict held by ``raw``, and the version it was written at (before any
    migration); ``InvalidStateError`` says what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise invalid(kind, path, f"not UTF-8 text (byte {error.start})", "encoding") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except _NotJsonNumber as error:
        raise invalid(kind, path, f"not valid JSON: {error}", "json") from None
    except json.JSONDecodeError as error:
        detail = " (empty file)" if not text.strip() else ""
        raise invalid(kind, path, f"not valid JSON: {error.msg}{detail}", "json", error.lineno, error.colno) from None
    except RecursionError:
        raise invalid(kind, path, "not valid JSON: nested too deeply", "json") from None
    except ValueError as error:  # json.loads refuses integers longer than int() converts
        raise invalid(kind, path, f"not usable JSON: {str(error).split(';')[0]}", "json") from None
    schema = load_schema(kind)
    if not isinstance(data, dict):
        raise invalid(kind, path, schema_message(schema, "type", location="", instance=data), "type", 1, 1)
    data = whole_numbers(schema, data)
    version = written = data.get("version", 0)  # none written: 0, as the Go decoder reads it
    current = current_version(kind)
    # A version that is not a whole number is left for the schema to report.
    if isinstance(version, int) and not isinstance(version, bool) and version != current:
        if f"version{version}" in schema.get("$defs", {}) and not checker_for(kind)(data):  # judged as written
            raise InvalidStateError(validate_instance(kind, data, _document(text)), path=path, title=TITLES[kind])
        while version < current and version in MIGRATIONS[kind]:
            data = MIGRATIONS[kind][version](data, path)
            version += 1
        if version != current:
            rule = "maximum" if version > current else "minimum.migration"
            message = schema_message(schema["properties"]["version"], rule, location="/version", instance=version)
            raise InvalidStateError([located(raw, message, "/version", rule.split(".")[0])], path=path,
                                    title=TITLES[kind])
    if not checker_for(kind)(data):
        raise InvalidStateError(validate_instance(kind, data, _document(text)), path=path, title=TITLES[kind])
    return data, written
