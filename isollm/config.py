"""The project config (``isollm.yaml``): the API over reading, checking (``isollm.check``) and saving it.

A ``Config`` is a typed view over one dict: the document as written, the schema's defaults filled
in where a value is missing, so a value the user wrote (even ``workers: "3"``) is validated as written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from isollm.check import (SCHEMA, apply_defaults, as_written, config_data, config_issues, config_warnings,
                          misnamed, read_config, read_config_bytes)
from isollm.errors import MAX_LISTED, ConfigError, Issue, ValidationError, YamlError
from isollm.io.atomic import atomic_write
from isollm.io.yamlio import Document, copy_data, decode_utf8, parse_yaml
from isollm.names import CONFIG_FILE_NAME, MISNAMED_CONFIG, SCHEMA_COPY, STATE_DIR
from isollm.schema import pointer as pointers

__all__ = ["CONFIG_FILE_NAME", "MAX_PORT", "MAX_PROJECT_NAME_LEN", "MAX_WORKERS", "MIN_PROJECT_NAME_LEN",
           "MIN_USER_PORT", "MIN_WORKERS", "STATE_DIR", "Config", "ConfigError", "ValidationError", "create_state_dir",
           "default_config", "exists", "find_project_root", "load", "load_and_validate", "save"]

T = TypeVar("T")

_PROPS = SCHEMA["properties"]
MIN_WORKERS: int = _PROPS["workers"]["minimum"]
MAX_WORKERS: int = _PROPS["workers"]["maximum"]
MIN_USER_PORT: int = _PROPS["airyra"]["properties"]["port"]["minimum"]
MAX_PORT: int = _PROPS["airyra"]["properties"]["port"]["maximum"]
MIN_PROJECT_NAME_LEN: int = _PROPS["project"]["minLength"]
MAX_PROJECT_NAME_LEN: int = _PROPS["project"]["maxLength"]
# The comment naming the file's schema for YAML editors: the project's copy (works offline).
SCHEMA_MODELINE = f"# yaml-language-server: $schema={SCHEMA_COPY}\n"


class _Key(Generic[T]):
    """An attribute that reads and writes one key of the view's dict (as in a file, None is not
    written: the default applies); with a ``section`` class, a view of that section's dict."""

    def __init__(self, section: type[_Section] | None = None) -> None:
        self.section = section

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, view: Any, owner: type | None = None) -> T:
        if view is None:
            return self  # type: ignore[return-value]
        value = view._data.get(self.name, view._fallbacks.get(self.name))
        if self.section is not None:
            schema = view._schema["properties"][self.name]
            # The defaults where it is not a mapping; airyra.project "Defaults to the isollm project name".
            value = self.section(value if isinstance(value, dict) else apply_defaults(schema, {}), schema,
                                 {"project": view._data.get("project")} if self.name == "airyra" else {})
        result: T = value
        return result

    def __set__(self, view: Any, value: T) -> None:
        schema = view._schema["properties"][self.name]
        written = copy_data(schema.get("default")) if value is None else as_written(schema, value)
        if written is None:
            view._data.pop(self.name, None)
        else:
            view._data[self.name] = written


class _Section:
    def __init__(self, data: dict[str, Any], schema: dict[str, Any], fallbacks: dict[str, Any]) -> None:
        self._data = data
        self._schema = schema
        self._fallbacks = fallbacks

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"


class GitConfig(_Section):
    base_branch: _Key[str] = _Key()
    branch_prefix: _Key[str] = _Key()
    upstream: _Key[str | None] = _Key()


class ClaudeConfig(_Section):
    command: _Key[str] = _Key()
    args: _Key[list[str]] = _Key()


class AiryraConfig(_Section):
    project: _Key[str] = _Key()
    host: _Key[str] = _Key()
    port: _Key[int] = _Key()


class ZellijConfig(_Section):
    layout: _Key[str] = _Key()
    dashboard: _Key[bool] = _Key()


class Config:
    """A project config. Build one with ``default_config`` or ``load``."""

    _schema = SCHEMA
    _fallbacks: dict[str, Any] = {}

    project: _Key[str] = _Key()
    workers: _Key[int] = _Key()
    image: _Key[str] = _Key()
    setup_script: _Key[str | None] = _Key()
    ports: _Key[list[str]] = _Key()
    git: _Key[GitConfig] = _Key(GitConfig)
    claude: _Key[ClaudeConfig] = _Key(ClaudeConfig)
    airyra: _Key[AiryraConfig] = _Key(AiryraConfig)
    zellij: _Key[ZellijConfig] = _Key(ZellijConfig)

    def __init__(self, data: Mapping[str, Any] | None = None, *, path: str | None = None,
                 document: Document | None = None) -> None:
        self._data = config_data(data or {}, document.texts if document is not None else None)
        self.path = path
        self._document = document

    def to_dict(self) -> dict[str, Any]:
        """The resolved config (defaults filled in), keys in the schema's order."""
        data = copy_data(self._data)
        if isinstance(data.get("airyra"), dict):
            data["airyra"].setdefault("project", data.get("project"))
        return _schema_order(SCHEMA, data)  # type: ignore[no-any-return]

    def issues(self, limit: int | None = MAX_LISTED) -> list[Issue]:
        """The problems, in file order, located in the file it was loaded from (if any): the first
        ``limit`` of them (all when None), then a ``LeftOut`` counting the rest."""
        return config_issues(self._data, self._document, self.path or "", limit)

    def validate(self) -> None:
        issues = self.issues()
        if issues:
            raise ValidationError(issues, path=self.path or "")

    def warning_issues(self) -> list[Issue]:
        return config_warnings(self._data, self._document, self.path or "")

    def warnings(self) -> list[str]:
        return [issue.message for issue in self.warning_issues()]

    def __repr__(self) -> str:
        return f"Config({self.to_dict()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Config) and self.to_dict() == other.to_dict()


def _schema_order(schema: Mapping[str, Any], value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    props = schema.get("properties", {})
    ordered = {k: _schema_order(props[k], value[k]) for k in props if k in value}
    ordered.update((k, v) for k, v in value.items() if k not in props)
    return ordered


def default_config(project_name: str) -> Config:
    return Config({"project": project_name})


def config_path(directory: str | os.PathLike[str]) -> Path:
    return Path(directory) / CONFIG_FILE_NAME


def parse_config_text(text: str | bytes, path: str = "") -> Config:
    """A ``Config`` from YAML text or bytes (not checked); ``ConfigError`` if it is not a config at all."""
    document = read_config(text, path)
    return Config(document.data, path=path, document=document)


def load_file(path: str | os.PathLike[str]) -> Config:
    """Read one config file (any name); ``ConfigError`` if it is not a config at all."""
    name = os.fspath(path)
    return parse_config_text(read_config_bytes(name), name)


def _refuse_misnamed(directory: str | os.PathLike[str], shown: str | os.PathLike[str]) -> None:
    """``ConfigError`` (naming the file ``shown``) when ``directory`` holds only an ``isollm.yml``."""
    if not os.path.lexists(config_path(directory)) and os.path.lexists(os.path.join(directory, MISNAMED_CONFIG)):
        raise ConfigError(misnamed(shown) or "", path=os.fspath(shown))


def load(directory: str | os.PathLike[str]) -> Config:
    """The config of the project in ``directory`` (not validated: see ``load_and_validate``)."""
    _refuse_misnamed(directory, os.path.join(directory, MISNAMED_CONFIG))
    return load_file(config_path(directory))


def load_and_validate(directory: str | os.PathLike[str]) -> Config:
    config = load(directory)
    config.validate()
    return config


def render(config: Config) -> str:
    """The text of ``config`` as a file: the modeline, then every key with its comment."""
    from isollm.docgen import commented_config

    return SCHEMA_MODELINE + commented_config(config._data, SCHEMA)


def write_target(path: str | os.PathLike[str]) -> Path:
    """The file that writing the config at ``path`` replaces: a symlink's target (the link stays)."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)


def save(directory: str | os.PathLike[str], config: Config, *, exclusive: bool = False) -> Path:
    """Validate ``config``, then write it to ``directory/isollm.yaml`` atomically; return the path. A new
    file is written whole (``render``); an existing one only changes through ``edit``. With ``exclusive``,
    only create the file (``FileExistsError`` if anything of that name is there)."""
    config.validate()
    path = config_path(directory)
    try:
        if exclusive:
            atomic_write(path, render(config).encode("utf-8"), create=True)
            return path
        target = write_target(path)
        if not os.path.lexists(target):
            atomic_write(target, render(config).encode("utf-8"))
            return path
        raw = read_config_bytes(target)
        edit(path, _changes(raw, config, os.fspath(path)), original=raw, strict=True, expect=config)
    except YamlError as error:
        raise error.locate(path=os.fspath(path)) from None
    return path


def edit(path: str | os.PathLike[str], changes: Sequence[tuple[Sequence[str], Any]] | bytes, *, original: bytes,
         read_from: str | os.PathLike[str] | None = None, strict: bool = False,
         expect: Config | None = None) -> list[Issue]:
    """The one way an existing config file changes: ``config set``, ``unset``, ``edit`` and ``save``.
    ``changes`` are (keys, value) pairs (``yaml_edit.UNSET`` removes the key), each made in place
    with every other byte kept, or the new content whole (``config edit``), made from ``original``
    (read from ``read_from``, else the file). The result must add no problem the file did not have;
    with ``strict``, have none; with ``expect``, read as that config. Returns its errors and warnings.
    A refusal (``ValidationError``, ``ConfigError``) leaves the file byte for byte as it was."""
    name = os.fspath(path)
    target = write_target(path) if read_from is None else read_from
    data = changes if isinstance(changes, bytes) else _edited(original, changes, name)
    result, after = _problems(data, name)
    try:
        known = set() if strict else {_sameness(issue) for issue in _problems(original, name)[1]}
    except ConfigError as error:  # empty, or only comments: keys can still be added
        known = {_sameness(issue) for issue in error.issues}
    new = [issue for issue in after if issue.severity == "error" and _sameness(issue) not in known]
    if new:
        raise ValidationError(new, path=name)
    from isollm.io.yaml_edit import same

    if expect is not None and not same(result.to_dict(), expect.to_dict()):
        raise ConfigError("cannot save in place: the edited file would not read as the config", path=name)
    if data != original:  # only if the file (where ``target`` still points) holds ``original``: else left as it is
        real = os.path.realpath(name)
        try:
            current = read_config_bytes(real)
        except ConfigError:
            current = None
        if current != original or os.path.realpath(target) != real:
            raise ConfigError("changed on disk meanwhile; it was left as it is (run the command again)", path=name)
        atomic_write(real, data, mode=os.stat(real).st_mode & 0o7777)
    return after


def _sameness(issue: Issue) -> tuple[str, str, str]:
    """What makes a problem the same after an edit: where, which rule, its message without numbers
    (a duplicate key names the line of the first)."""
    return issue.pointer, issue.keyword, re.sub(r"[0-9]+", "#", issue.message)


def _problems(raw: bytes, name: str) -> tuple[Config, list[Issue]]:
    config = parse_config_text(raw, name)
    return config, [*config.issues(None), *config.warning_issues()]


def _edited(raw: bytes, changes: Sequence[tuple[Sequence[str], Any]], name: str) -> bytes:
    from isollm.io import yaml_edit

    text = decode_utf8(raw, path=name)
    for keys, value in changes:
        try:
            text = (yaml_edit.unset_value(text, keys) if value is yaml_edit.UNSET
                    else yaml_edit.set_value(text, keys, value))
        except yaml_edit.EditError as error:
            raise ConfigError(f"cannot change {'.'.join(keys)} in place: {error}; "
                              f"edit the file with 'isollm config edit'", path=name) from None
        except YamlError as error:
            raise error.locate(path=name) from None
    return (b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b"") + text.encode("utf-8")


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return value


def _changes(raw: bytes, config: Config, name: str) -> list[tuple[tuple[str, ...], Any]]:
    """The changes that make the file in ``raw`` read as ``config``: a default it leaves out stays out."""
    from isollm.io.yaml_edit import UNSET, diff

    text = decode_utf8(raw, path=name)
    written = parse_yaml(text, path=name).data
    if written is not None and not isinstance(written, dict):
        parse_config_text(text, name)  # raises, saying what the file is instead
    before = apply_defaults(SCHEMA, _without_nulls(written or {}))
    return [(keys, value) for keys, value in diff(before, _without_nulls(config._data))
            if value is not UNSET or pointers.resolve(written, pointers.join(keys)) is not pointers.MISSING]


def exists(directory: str | os.PathLike[str]) -> bool:
    return config_path(directory).is_file()


def find_project_root(start_dir: str | os.PathLike[str]) -> Path:
    """The nearest directory at or above ``start_dir`` with an ``isollm.yaml`` (any entry of that name)
    or an ``isollm.yml`` (``ConfigError``): never a silent walk on to another project's config."""
    current = Path(start_dir).resolve()
    for candidate in (current, *current.parents):
        if os.path.lexists(config_path(candidate)):
            return candidate
        _refuse_misnamed(candidate, os.path.relpath(candidate / MISNAMED_CONFIG, start_dir))
    raise ConfigError(f"not in an isollm project: no {CONFIG_FILE_NAME} in {current} or any directory above it "
                      "('isollm init' creates one)")


def create_state_dir(directory: str | os.PathLike[str]) -> Path:
    path = Path(directory) / STATE_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path
