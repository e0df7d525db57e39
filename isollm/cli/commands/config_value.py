"""``isollm config show``, ``get KEY``, ``set KEY VALUE`` and ``unset KEY``: keys are dotted (``git.base_branch``),
checked against the schema; changes go through ``isollm.config.edit``, the one edit path."""

from __future__ import annotations

import contextlib
import math
import os
import sys
from typing import Any

from isollm.check import read_config
from isollm.cli.report import STDIN, STDIN_NAME, config_path_argument, load_and_report, print_issues, project_root
from isollm.config import CONFIG_FILE_NAME, edit, read_config_bytes
from isollm.errors import ConfigError, IsollmError, ValidationError, YamlError, printable_path
from isollm.io.yamlio import dump_yaml, parse_yaml
from isollm.schema import pointer as pointers
from isollm.schema.loader import load_schema, schema_types
from isollm.schema.messages import closest, schema_message
from isollm.util.oneline import json_text, one_line, printable_text


def show(path: str | None = None, output_format: str = "yaml") -> int:
    path = config_path_argument(path)
    config = load_and_report(path)  # keeps the editor's schema copy beside the config current
    if config is None:
        return 1
    resolved = config.to_dict()
    if output_format == "json":
        print(json_text(_json_safe(resolved)))
        return 0
    # The path is escaped: a line break in it would end the comment and break the YAML.
    header = STDIN_NAME if path == STDIN else printable_path(os.path.abspath(path))
    sys.stdout.write(f"# Configuration: {header}\n# (defaults applied for missing values)\n\n")
    sys.stdout.write(dump_yaml(resolved))
    return 0


def _json_safe(value: Any) -> Any:
    """``value`` with .inf and .nan (valid YAML, not JSON) written as the YAML text."""
    if isinstance(value, float) and not math.isfinite(value):
        return dump_yaml(value).split("\n")[0]
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value


def _keys(schema: dict[str, Any], prefix: str = "") -> list[str]:
    names = []
    for name, sub in schema.get("properties", {}).items():
        names.append(prefix + name)
        names.extend(_keys(sub, prefix + name + "."))
    return names


def resolve_key(key: str) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The parts of a dotted key and its subschema; ``IsollmError`` (with a suggestion) if unknown."""
    schema = load_schema("config")
    parts = tuple(key.split("."))
    node: dict[str, Any] = schema
    for part in parts:
        child = node.get("properties", {}).get(part)
        if not isinstance(child, dict):
            close = closest(key, _keys(schema))
            case = "additionalProperties" if close is None else "additionalProperties.suggestion"
            raise IsollmError(one_line(schema_message(schema, case, location=pointers.join(parts), suggestion=close)))
        node = child
    return parts, node


def parse_value(key: str, text: str, schema: dict[str, Any]) -> Any:
    """The value the user meant by ``text`` for a key described by ``schema``: for a string key the
    text as typed (``'run #1'`` keeps the ``#``) or the one quoted YAML scalar it is; else the text
    read as YAML, refused when YAML would store something other than what was typed (``07`` as 7)."""
    if set(schema_types(schema)) - {"null"} == {"string"}:  # null: "left empty", never typed here
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
            with contextlib.suppress(YamlError):
                value = parse_yaml(text).data
                return value if isinstance(value, str) else text
        return text
    try:
        value = parse_yaml(text).data
    except YamlError as error:
        raise IsollmError(one_line(f"invalid value for {key}: {error.message}")) from None
    from isollm.io.yaml_edit import scalar_text

    if value is None:
        raise IsollmError(one_line(f"invalid value for {key}: {text.strip()} reads as null, not written; "
                                   f"to remove {key}, run 'isollm config unset {key}'"))
    if not isinstance(value, (str, dict, list)) and scalar_text(value) != text.strip():
        raise IsollmError(one_line(f"invalid value for {key}: {text.strip()} would be stored as "
                                   f"{scalar_text(value)}; type that if it is what you mean"))
    return value


def get_value(key: str, directory: str | None = None) -> int:
    from isollm.io.yaml_edit import scalar_text

    parts, _ = resolve_key(key)
    config = load_and_report(config_path_argument(directory))  # keeps the editor's schema copy current
    if config is None:
        return 1
    value = pointers.resolve(config.to_dict(), pointers.join(parts))
    if isinstance(value, str):
        # Escaped as config show's YAML escapes it: a value can hold terminal escapes and bidi controls.
        value = printable_text(value)
        sys.stdout.write(value if value.endswith("\n") else value + "\n")
    elif isinstance(value, (dict, list)):
        sys.stdout.write(dump_yaml(value))
    elif value is not None and value is not pointers.MISSING:
        print(scalar_text(value))  # as YAML writes it: true, .nan
    return 0


def _edit(change: tuple[tuple[str, ...], Any], unknown: IsollmError | None = None) -> int:
    """Make ``change`` through ``isollm.config.edit``; print the problems the file still has.
    ``unknown``: the error for a key the schema does not know, raised unless the file has it."""
    path = project_root() / CONFIG_FILE_NAME
    shown = os.path.relpath(path)
    try:
        raw = read_config_bytes(path)
        written = read_config(raw, shown).data
    except ConfigError as error:  # not a config: nothing to change
        print_issues(shown, error.issues)
        return 1
    if unknown is not None and not _written(written, change[0]):
        raise unknown
    try:
        remaining = edit(shown, [change], original=raw)
    except ValidationError as error:  # what the change would break
        print_issues(shown, error.issues)
        return 1
    print_issues(shown, remaining)  # located in the file as it is now
    return 0


def _written(data: Any, parts: tuple[str, ...]) -> bool:
    for part in parts:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def set_value(key: str, value: str) -> int:
    parts, schema = resolve_key(key)
    if value.strip() == "":
        # Empty would read as null, "not written": say what the user means instead.
        raise IsollmError(f"no value given for {key}; to remove it, run 'isollm config unset {key}'")
    return _edit((parts, parse_value(key, value, schema)))


def unset_value(key: str) -> int:
    """Remove ``key`` (one the schema does not know too, a misspelt ``wokers``); a required key is refused."""
    from isollm.io.yaml_edit import UNSET

    try:
        parts, _ = resolve_key(key)
    except IsollmError as error:
        return _edit((tuple(key.split(".")), UNSET), unknown=error)
    parent = pointers.subschema(load_schema("config"), pointers.join(parts[:-1]))
    if parts[-1] in parent.get("required", []):
        raise IsollmError(f"{key} is required and cannot be unset")
    return _edit((parts, UNSET))
