"""Messages from the schemas' ``x-messages`` templates (by keyword, ``maximum``, or keyword and case,
``hostPortsDistinct.duplicate``), all filled in one place, from the same fields: the subschema's
scalar keywords (``{minimum}``, ``{pattern}``...), ``{enum_list}``, ``{field}`` (``airyra.port``),
``{instance}`` (a string as is, else JSON), ``{instance_json}``, ``{reason}`` (a format check's),
and the caller's own (``{port}``, ``{key}``...). A field nobody gave stays visible as ``{name}``.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

from isollm.schema import pointer as pointers

# For problems the schema gives no message for.
DEFAULT_MESSAGES = {
    "required": "{field} is required",
    "additionalProperties": 'unknown key "{field}"',
    "additionalProperties.suggestion": 'unknown key "{field}" (did you mean "{suggestion}"?)',
    "additionalProperties.merge": '{field}: YAML merge keys are not supported; write the keys out (the Go isollm '
                                  'merges them, but editors and check-jsonschema, reading YAML 1.2, see an unknown '
                                  'key "<<")',
    "type": "{field} must be {expected}",
    "format": "{instance!r}: {reason}",
    "duplicateKey": 'duplicate key "{key}" (first defined on line {first_line})',
    "leadingZero": "{field}: {text} has a leading zero, which the Go isollm may read as octal and YAML 1.2 "
                   "reads as decimal; write {decimal} (without the zero)",
    "warning.unquoted": '{field}: {text} is text to isollm and the Go isollm, but a {kind} to YAML 1.2 tools '
                        '(the editor, check-jsonschema), which refuse it; write "{text}"',
    "": "{field}: {reason}",
}


class _Fields(dict):  # type: ignore[type-arg]
    """The fields of one message; the derived ones are computed only if the template asks."""

    def __init__(self, subschema: Mapping[str, Any], location: str | None, instance: Any,
                 extra: Mapping[str, object]) -> None:
        super().__init__((k, v) for k, v in subschema.items() if isinstance(v, (int, float, str)))
        self.update(extra)
        self._subschema = subschema
        self._location = location
        self._instance = instance

    def __missing__(self, key: str) -> object:
        instance = self._instance
        if key == "field" and self._location is not None:
            return pointers.dotted(self._location) if self._location else "the config"
        if key == "instance" and instance is not pointers.MISSING:
            return instance if isinstance(instance, str) else json.dumps(instance, default=str)
        if key == "instance_json" and instance is not pointers.MISSING:
            return json.dumps(instance, default=str, ensure_ascii=False)
        if key == "enum_list" and isinstance(self._subschema.get("enum"), list):
            # null in an enum means "left empty": not one of the values to choose from.
            return ", ".join(str(value) for value in self._subschema["enum"] if value is not None)
        return "{" + key + "}"


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice ``name`` most likely misspells, for a "did you mean"; None if none is close."""
    import difflib  # only to word a problem: ~1.5 ms (with heapq) a valid hook run need not pay

    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def schema_template(subschema: Mapping[str, Any], key: str) -> str | None:
    templates = subschema.get("x-messages")
    template = templates.get(key) if isinstance(templates, dict) else None
    return str(template) if template is not None else None


def schema_message(subschema: Mapping[str, Any], key: str, /, *, location: str | None = None,
                   instance: Any = pointers.MISSING, **fields: object) -> str:
    """The message for ``key`` about the value ``instance`` at ``location`` (a pointer)."""
    template = schema_template(subschema, key)
    if template is None:
        template = DEFAULT_MESSAGES.get(key) or DEFAULT_MESSAGES.get(key.split(".")[0]) or DEFAULT_MESSAGES[""]
    fields.setdefault("reason", "")
    return template.format_map(_Fields(subschema, location, instance, fields))
