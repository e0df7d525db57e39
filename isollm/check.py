"""The one check stage of a config: the file's name, a document the Go isollm reads too, the schema
(``isollm.schema.decide``), leading zeros, null required keys, and the warnings. ``check_config``
takes bytes or text and a name, never a path, so the CLI, the hook and the language server judge a
config alike; ``Config.issues()`` and ``warnings()`` run the same rules on a config's data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from isollm.errors import MAX_LISTED, ConfigError, Issue, first_listed
from isollm.io.schema_copy import modeline_issues
from isollm.io.yamlio import Document, Located, copy_data, decode_utf8, parse_yaml, read_limited
from isollm.names import CONFIG_FILE_NAME, MISNAMED_CONFIG
from isollm.schema import pointer as pointers
from isollm.schema.decide import validate_instance
from isollm.schema.formats import image_pins_version, whole_numbers
from isollm.schema.loader import load_schema, schema_types
from isollm.schema.messages import schema_message

SCHEMA = load_schema("config")
# The Go isollm's yaml.v3 refuses a %YAML directive other than 1.1; libyaml here reads 1.2 too.
GO_YAML_VERSION = (1, 1)
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")


class Checked(NamedTuple):
    """What the check found in one config named ``path``; its data and document when it was read."""

    path: str
    errors: list[Issue]
    warnings: list[Issue]
    data: dict[str, Any] | None = None
    document: Document | None = None

    @property
    def valid(self) -> bool:
        return not self.errors


def check_config(raw: bytes | str, name: str = "", limit: int | None = MAX_LISTED) -> Checked:
    """Every error and warning of the config ``raw`` (bytes or text) named ``name``, in file order:
    the first ``limit`` errors (all when None), then a ``LeftOut`` counting the rest."""
    try:
        document = read_config(raw, name)
    except ConfigError as error:
        return not_read(name, error)
    data = config_data(document.data, document.texts)
    head = raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace")
    errors = [*_misnamed_issues(name), *config_issues(data, document, name, limit)]
    # A value already in error needs no advice on how to quote it.
    wrong = {issue.pointer for issue in errors}
    warnings = [w for w in config_warnings(data, document, name) if w.keyword != "unquoted" or w.pointer not in wrong]
    return Checked(name, errors, [issue.located(path=name) for issue in modeline_issues(head)] + warnings,
                   data, document)


def not_read(name: str, error: ConfigError) -> Checked:
    """The check of a config that could not be read: ``error``, after the file-name rule."""
    return Checked(name, [*_misnamed_issues(name), *error.issues], [])


def misnamed(name: str | os.PathLike[str]) -> str | None:
    """What to do about a config named ``isollm.yml``, which isollm never reads (else None)."""
    name = os.fspath(name)
    if os.path.basename(name) != MISNAMED_CONFIG:
        return None
    renamed = os.path.join(os.path.dirname(name), CONFIG_FILE_NAME)
    return (f"isollm reads only {CONFIG_FILE_NAME}; rename {MISNAMED_CONFIG} to {CONFIG_FILE_NAME} "
            f"(git mv {name} {renamed})")


def _misnamed_issues(name: str) -> list[Issue]:
    message = misnamed(name)
    return [Issue(message, "", None, None, "fileName", name)] if message else []


def read_config_bytes(path: str | os.PathLike[str]) -> bytes:
    """A config file's bytes, bounded, from a regular file only; else ``ConfigError`` saying why."""
    name = os.fspath(path)
    try:
        return read_limited(name)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {name}", path=name) from None
    except IsADirectoryError:
        raise ConfigError(f"config path is a directory, not a file: {name}", path=name) from None
    except PermissionError:
        raise ConfigError(f"config file is not readable (permission denied): {name}", path=name) from None
    except OSError as error:
        raise ConfigError(f"cannot read config file {name}: {error.strerror}", path=name) from None


def read_config(raw: bytes | str, name: str = "") -> Document:
    """The YAML document of a config; ``ConfigError`` when it is not one (not UTF-8, not YAML, empty, not a mapping)."""
    document = parse_yaml(decode_utf8(raw, path=name) if isinstance(raw, bytes) else raw, path=name)
    if document.version not in (None, GO_YAML_VERSION):
        version = ".".join(map(str, document.version or ()))
        raise ConfigError(f"the Go isollm cannot load a file with a %YAML {version} directive (its YAML reader, "
                          "yaml.v3, accepts only %YAML 1.1); remove the directive", *document.version_at, path=name)
    if document.data is None:
        raise ConfigError("config file is empty", 1, 1, path=name)
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        raise ConfigError(f"{schema_message(SCHEMA, 'type', location='')}, not {kind}", *document.locate(""), path=name)
    return document


def config_issues(data: Mapping[str, Any], document: Document | None = None, name: str = "",
                  limit: int | None = MAX_LISTED) -> list[Issue]:
    issues = [_at_null_key(issue, document) for issue in validate_instance("config", data, document, limit)]
    if document is not None and document.texts:
        written = _text_issues(document, name, "error")
        # The leading zero is the problem: what the number then breaks is not another.
        told = {issue.pointer for issue in written}
        issues = first_listed([*written, *(i for i in issues
                                           if i.pointer not in told or i.keyword == "duplicateKey")], limit)
    return [issue.located(path=name) for issue in issues] if name else issues


def config_warnings(data: Mapping[str, Any], document: Document | None = None, name: str = "") -> list[Issue]:
    """The warnings of a config's data: an untagged image (``:latest``), unquoted text (``_text_issues``)."""
    warnings = _text_issues(document, name, "warning") if document is not None and document.texts else []
    image = data.get("image")
    if not isinstance(image, str) or not image or image_pins_version(image):
        return warnings
    line, column = document.locate("/image") if document else (None, None)
    message = schema_message(SCHEMA["properties"]["image"], "warning.untagged", location="/image", instance=image)
    return [*warnings, Issue(message, "/image", line, column, "warning", name, "warning")]


def _at_null_key(issue: Issue, document: Document | None) -> Issue:
    """A required key written but left null is missing: say so where it is written."""
    if issue.keyword != "required" or document is None:
        return issue
    section = pointers.subschema(SCHEMA, issue.pointer)
    for key in section.get("required", []):
        where = pointers.child(issue.pointer, key)
        written = document.keys.get(where)
        if (written is not None and pointers.resolve(document.data, where) is None
                and issue.message == schema_message(section["properties"][key], "required", location=where)):
            return Issue(issue.message, issue.pointer, *written, issue.keyword, issue.path, issue.severity)
    return issue


def _text_issues(document: Document, name: str, severity: str) -> list[Issue]:
    """How a number or boolean is written (``Document.texts``: only the few scalars YAML read as one).
    Where the schema wants only text (``base_branch: 1.10``), a warning: YAML 1.2 tools see a number.
    Where it wants a number, a leading zero is an error: octal to the Go isollm, decimal to YAML 1.2."""
    issues = []
    for where, text in document.texts.items():
        if severity == "error" and not _LEADING_ZERO.fullmatch(text):
            continue  # the errors' pass looks up the schema only for the rare leading zero
        subschema = pointers.subschema(SCHEMA, where)
        kinds = set(schema_types(subschema)) - {"null"}
        if kinds == {"string"} and severity == "warning":
            value = pointers.resolve(document.data, where)
            message = schema_message(subschema, "warning.unquoted", location=where, text=text,
                                     kind="boolean" if isinstance(value, bool) else "number")
            issues.append(Issue(message, where, *document.locate(where), "unquoted", name, "warning"))
        elif severity == "error" and subschema and "string" not in kinds:
            message = schema_message(SCHEMA, "leadingZero", location=where, text=text, decimal=int(text))
            issues.append(Issue(message, where, *document.locate(where), "leadingZero", name))
    return issues


def config_data(data: Mapping[str, Any], texts: Located[str] | None = None) -> dict[str, Any]:
    """A config's data as it is checked and held: ``apply_defaults``, then ``as_written``."""
    resolved: dict[str, Any] = as_written(SCHEMA, apply_defaults(SCHEMA, dict(data)), texts)
    return resolved


def apply_defaults(schema: Mapping[str, Any], value: Any) -> Any:
    """A copy of ``value`` with the schema's ``default`` wherever a key is missing, and whole-number
    floats at integer positions made ints. A known key whose value is null counts as not written
    (dropped: its default applies); an unknown key stays, to be reported."""
    if not isinstance(value, dict):
        return copy_data(value)
    properties = schema.get("properties", {})
    result = {key: copy_data(item) for key, item in value.items()
              if item is not None or key not in properties}
    for name, sub in properties.items():
        if name not in result and "default" in sub:
            result[name] = copy_data(sub["default"])
        if name in result and sub.get("properties"):
            result[name] = apply_defaults(sub, result[name])
    return whole_numbers(schema, result)


def as_written(schema: Mapping[str, Any], value: Any, texts: Located[str] | Mapping[str, str] | None = None,
               pointer: str = "") -> Any:
    """``value`` with text where the schema wants text and YAML read a number or boolean: as written in
    ``texts`` (``base_branch: 1.10`` is ``"1.10"``, as to the Go isollm), else an int's text."""
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return {key: as_written(properties[key], item, texts, pointers.child(pointer, key))
                if key in properties else item for key, item in value.items()}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [as_written(schema["items"], item, texts, pointers.child(pointer, index))
                for index, item in enumerate(value)]
    kinds = schema_types(schema)
    if not isinstance(value, (bool, int, float)) or "string" not in kinds:
        return value
    text = texts.get(pointer) if texts else None
    if text is not None:
        return text
    return str(value) if isinstance(value, int) and not isinstance(value, bool) and "integer" in kinds else value
