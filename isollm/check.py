"""The one check stage of a config: every rule an ``isollm.yaml`` is judged by.

Reading (``isollm.io.yamlio``: bytes to text to a located YAML document) comes before it,
the report (text, JSON, GitHub annotations: ``isollm.cli.report``) after it. The rules:

- the file's name: isollm never reads an ``isollm.yml``;
- the document: YAML isollm reads (the Go isollm too: no %YAML 1.2), not empty, a mapping;
- duplicate keys and the schema (standard keywords, custom formats and keywords, the
  cross-item rules such as duplicate host ports), through ``isollm.schema.check``;
- a number written with a leading zero; a required key written but left null;
- warnings: an image without a tag, a modeline naming a schema that was never published, a
  number or boolean where text is wanted (YAML 1.2 tools refuse it: quote it).

``check_config`` takes a file's bytes or an editor's text and a name, never a path it
reads, so the CLI, the pre-commit hook and a language server judge a config alike;
``Config.issues()`` and ``warnings()`` run the same rules (``config_issues``,
``config_warnings``) on a config's data. What is checked is the document with the
schema's defaults filled in: a key whose value is null counts as not written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from isollm.errors import MAX_LISTED, ConfigError, Issue, first_listed
from isollm.io.schema_copy import modeline_issues
from isollm.io.yamlio import Document, Located, decode_utf8, parse_yaml, read_limited
from isollm.names import CONFIG_FILE_NAME, MISNAMED_CONFIG
from isollm.schema import pointer as pointers
from isollm.schema.check import validate_instance
from isollm.schema.formats import image_pins_version
from isollm.schema.loader import load_schema, schema_types
from isollm.schema.messages import schema_message
from isollm.util.numbers import whole_numbers

SCHEMA = load_schema("config")
# The Go isollm's YAML reader (yaml.v3) loads a document with no %YAML directive or with
# ``%YAML 1.1``, and refuses any other ("found incompatible YAML document"); libyaml here
# also reads ``%YAML 1.2``, so that one is refused here for it.
GO_YAML_VERSION = (1, 1)
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")


class Checked(NamedTuple):
    """What the check found in one config, reported under ``path`` (the name it was given):
    errors and warnings, and, when it could be read as a config, its data (``config_data``)
    and its document."""

    path: str
    errors: list[Issue]
    warnings: list[Issue]
    data: dict[str, Any] | None = None
    document: Document | None = None

    @property
    def valid(self) -> bool:
        return not self.errors


def check_config(raw: bytes | str, name: str = "", limit: int | None = MAX_LISTED) -> Checked:
    """Every error and warning of the config ``raw`` (a file's bytes, or its text), located
    under ``name``, in file order: the first ``limit`` errors (all when None), then a ``LeftOut``
    counting the rest. The file-name rule comes first and is not counted."""
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
    """The check of a config that could not be read (``error`` says why; a missing file, one
    that is not YAML...): that error, after the file-name rule."""
    return Checked(name, [*_misnamed_issues(name), *error.issues], [])


def misnamed(name: str | os.PathLike[str]) -> str | None:
    """What to do about a config file named ``isollm.yml``, which isollm never reads
    (None for any other name)."""
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
    """The raw bytes of a config file, bounded and from a regular file only;
    ``ConfigError`` saying what is wrong when it cannot be read."""
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
    """The YAML document of a config's bytes or text; ``ConfigError`` located in ``name`` when
    it cannot be read as a config at all (not UTF-8, not YAML, empty, not a mapping)."""
    document = parse_yaml(decode_utf8(raw, path=name) if isinstance(raw, bytes) else raw, path=name)
    if document.version not in (None, GO_YAML_VERSION):
        version = ".".join(map(str, document.version or ()))
        raise ConfigError(f"the Go isollm cannot load a file with a %YAML {version} directive (its YAML "
                          "reader, yaml.v3, accepts only %YAML 1.1); remove the directive",
                          path=name, line=document.version_at[0], column=document.version_at[1])
    if document.data is None:
        raise ConfigError("config file is empty", path=name, line=1, column=1)
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        line, column = document.locate("")
        # The schema's own message for a document of the wrong type, with what this one is.
        raise ConfigError(f"{schema_message(SCHEMA, 'type', location='')}, not {kind}",
                          path=name, line=line, column=column)
    return document


def config_issues(data: Mapping[str, Any], document: Document | None = None, name: str = "",
                  limit: int | None = MAX_LISTED) -> list[Issue]:
    """The problems of a config's data (``config_data``), in file order, located in the
    ``document`` it was read from (if any) under ``name``: the first ``limit`` of them (all
    when None), then a ``LeftOut`` counting the rest."""
    issues = [_at_null_key(issue, document) for issue in validate_instance("config", data, document, limit)]
    if document is not None and document.texts:
        written = _leading_zero_issues(document)
        # The leading zero is the problem: what the number then breaks is not another.
        told = {issue.pointer for issue in written}
        issues = first_listed([*written, *(i for i in issues
                                           if i.pointer not in told or i.keyword == "duplicateKey")], limit)
    return [issue.located(path=name) for issue in issues] if name else issues


def config_warnings(data: Mapping[str, Any], document: Document | None = None, name: str = "") -> list[Issue]:
    """The non-fatal problems of a config's data: an image without a tag (it would use ``:latest``),
    and text written so that YAML 1.2 tools read a number or a boolean (``_unquoted_warnings``)."""
    warnings = _unquoted_warnings(document, name) if document is not None and document.texts else []
    image = data.get("image")
    if not isinstance(image, str) or not image or image_pins_version(image):
        return warnings
    line, column = document.locate("/image") if document else (None, None)
    message = schema_message(SCHEMA["properties"]["image"], "warning.untagged", location="/image", instance=image)
    return [*warnings, Issue(message, "/image", line, column, "warning", name, "warning")]


def _unquoted_warnings(document: Document, name: str) -> list[Issue]:
    """A plain number or boolean where the schema wants text (``base_branch: 1.10``): isollm
    keeps the text as written, as the Go isollm does, but the editor and check-jsonschema read
    YAML 1.2, see a number, and refuse it. Quoted, it is text to every tool: say so."""
    issues = []
    # Only the scalars YAML read as a number or a boolean have a text: few, so no walk of the data.
    for where, text in document.texts.items():
        subschema = pointers.subschema(SCHEMA, where)
        # Only text the schema wants (a port, which may be a number, is not); no text is kept
        # under an explicit tag (!!float 1.10), whose type error the schema tells.
        if set(schema_types(subschema)) - {"null"} != {"string"}:
            continue
        value = pointers.resolve(document.data, where)
        message = schema_message(subschema, "warning.unquoted", location=where, text=text,
                                 kind="boolean" if isinstance(value, bool) else "number")
        issues.append(Issue(message, where, *document.locate(where), "unquoted", name, "warning"))
    return issues


def _at_null_key(issue: Issue, document: Document | None) -> Issue:
    """A required key written but left null is missing (see ``apply_defaults``): say so
    where it is written, not at the top of its section."""
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


def _leading_zero_issues(document: Document) -> list[Issue]:
    """A number written with a leading zero where the schema wants a number (``workers: 010``):
    the Go isollm's YAML reads it as octal (8), YAML 1.2 as decimal (10). Never silently."""
    issues = []
    for where, text in document.texts.items():
        if not _LEADING_ZERO.fullmatch(text):
            continue
        subschema = pointers.subschema(SCHEMA, where)
        if not subschema or "string" in schema_types(subschema):
            continue
        message = schema_message(SCHEMA, "leadingZero", location=where, text=text, decimal=int(text))
        issues.append(Issue(message, where, *document.locate(where), "leadingZero"))
    return issues


def config_data(data: Mapping[str, Any], texts: Located[str] | None = None) -> dict[str, Any]:
    """A config's data as it is checked and held: the schema's defaults filled in
    (``apply_defaults``), text wherever the schema wants text (``as_written``)."""
    resolved: dict[str, Any] = as_written(SCHEMA, apply_defaults(SCHEMA, dict(data)), texts)
    return resolved


def copy_data(value: Any) -> Any:
    """A deep copy of YAML or JSON data (``copy.deepcopy`` only for what else a loader may give)."""
    if isinstance(value, dict):
        return {key: copy_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_data(item) for item in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    import copy  # never for a config read from a file

    return copy.deepcopy(value)


def apply_defaults(schema: Mapping[str, Any], value: Any) -> Any:
    """A copy of ``value`` with the schema's ``default`` filled in wherever a key is missing,
    and whole-number floats at integer positions read as integers.

    A known key whose value is null (``workers:`` left empty, ``~``, a section whose
    entries are all commented out) counts as not written: it is dropped, so its
    default applies, or a required key is reported missing. An unknown key stays,
    null or not, to be reported as unknown.
    """
    if not isinstance(value, dict):
        return copy_data(value)
    properties = schema.get("properties", {})
    result = {key: copy_data(item) for key, item in value.items()
              if item is not None or key not in properties}
    for name, sub in properties.items():
        if name not in result and "default" in sub:
            result[name] = copy_data(sub["default"])
        if name in result:
            result[name] = whole_numbers(sub, result[name])
        if name in result and sub.get("properties"):
            result[name] = apply_defaults(sub, result[name])
    return result


def as_written(schema: Mapping[str, Any], value: Any, texts: Located[str] | Mapping[str, str] | None = None,
               pointer: str = "") -> Any:
    """``value`` with text wherever the schema wants text and YAML read a number or a boolean.

    The text as written where ``texts`` (``Document.texts``: source text by pointer) has it:
    ``base_branch: 1.10`` is ``"1.10"``, ``- 3000`` under ``ports`` is ``"3000"``, as the Go
    isollm reads them into its string fields. Else an int given where a number or its text
    will do becomes its text, so ``Config.ports`` is always a list of str. Only positions the
    schema knows change; a null stays null (not written).
    """
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return {key: as_written(properties[key], item, texts, pointers.child(pointer, key))
                if key in properties else item for key, item in value.items()}
    if isinstance(value, list):
        items = schema.get("items")
        if not isinstance(items, dict):
            return value
        return [as_written(items, item, texts, pointers.child(pointer, index)) for index, item in enumerate(value)]
    kinds = schema_types(schema)
    if not isinstance(value, (bool, int, float)) or "string" not in kinds:
        return value
    text = texts.get(pointer) if texts else None
    if text is not None:
        return text
    return str(value) if isinstance(value, int) and not isinstance(value, bool) and "integer" in kinds else value
