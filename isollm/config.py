"""The project config (``isollm.yaml``): the API over reading, checking and saving it.

Every rule a config is judged by lives in the check stage (``isollm.check``); every
limit, default, pattern and message comes from ``schemas/isollm.schema.json``. A
``Config`` is a typed view over one dict holding the document as written with the
schema's defaults filled in where a value is missing, so a value the user wrote
(even ``workers: 0`` or ``workers: "3"``) is validated as written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from isollm.check import SCHEMA as _SCHEMA
from isollm.check import apply_defaults, as_written, config_data, config_issues, config_warnings, misnamed, read_config
# Its home is the check stage, which the hook imports without this API; re-exported for callers here.
from isollm.check import read_config_bytes as read_config_bytes  # noqa: PLC0414
from isollm.check import copy_data as _copy
from isollm.errors import MAX_LISTED, ConfigError, Issue, ValidationError, YamlError
from isollm.io.atomic import atomic_write
from isollm.io.yamlio import Document, decode_utf8, parse_yaml
from isollm.names import CONFIG_FILE_NAME, MISNAMED_CONFIG, SCHEMA_COPY, STATE_DIR
from isollm.schema import pointer as pointers

if TYPE_CHECKING:  # pathlib is imported where a Path is made: the hook never makes one
    from pathlib import Path

__all__ = ["CONFIG_FILE_NAME", "MAX_PORT", "MAX_PROJECT_NAME_LEN", "MAX_WORKERS", "MIN_PROJECT_NAME_LEN",
           "MIN_USER_PORT", "MIN_WORKERS", "STATE_DIR", "Config", "ConfigError", "ValidationError", "create_state_dir",
           "default_config", "exists", "find_project_root", "load", "load_and_validate", "save"]

T = TypeVar("T")
S = TypeVar("S", bound="_Section")

_PROPS = _SCHEMA["properties"]
MIN_WORKERS: int = _PROPS["workers"]["minimum"]
MAX_WORKERS: int = _PROPS["workers"]["maximum"]
MIN_USER_PORT: int = _PROPS["airyra"]["properties"]["port"]["minimum"]
MAX_PORT: int = _PROPS["airyra"]["properties"]["port"]["maximum"]
MIN_PROJECT_NAME_LEN: int = _PROPS["project"]["minLength"]
MAX_PROJECT_NAME_LEN: int = _PROPS["project"]["maxLength"]


class _Key(Generic[T]):
    """An attribute that reads and writes one key of the view's dict."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, view: Any, owner: type | None = None) -> T:
        if view is None:
            return self  # type: ignore[return-value]
        value: T = view._data.get(self.name, view._fallbacks.get(self.name))
        return value

    def __set__(self, view: Any, value: T) -> None:
        if value is None:  # as in a file: None is not written, and the default applies
            view._data.pop(self.name, None)
            default = view._schema["properties"][self.name].get("default")
            if default is not None:
                view._data[self.name] = _copy(default)
            return
        view._data[self.name] = as_written(view._schema["properties"][self.name], value)


class _Section:
    _name = ""

    @property
    def _schema(self) -> Any:
        return _PROPS[self._name]

    def __init__(self, data: dict[str, Any], fallbacks: dict[str, Any] | None = None) -> None:
        self._data = data
        self._fallbacks = fallbacks or {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"


class GitConfig(_Section):
    _name = "git"
    base_branch: _Key[str] = _Key()
    branch_prefix: _Key[str] = _Key()
    upstream: _Key[str | None] = _Key()


class ClaudeConfig(_Section):
    _name = "claude"
    command: _Key[str] = _Key()
    args: _Key[list[str]] = _Key()


class AiryraConfig(_Section):
    _name = "airyra"
    project: _Key[str] = _Key()
    host: _Key[str] = _Key()
    port: _Key[int] = _Key()


class ZellijConfig(_Section):
    _name = "zellij"
    layout: _Key[str] = _Key()
    dashboard: _Key[bool] = _Key()


class _Sub(Generic[S]):
    """A section of the config, as a view over its dict (the schema's defaults if it is not one)."""

    def __init__(self, cls: type[S]) -> None:
        self.cls = cls

    def __get__(self, config: Config, owner: type | None = None) -> S:
        value = config._data.get(self.cls._name)
        if not isinstance(value, dict):
            value = apply_defaults(_PROPS[self.cls._name], {})
        # The schema: airyra.project "Defaults to the isollm project name".
        fallbacks = {"project": config._data.get("project")} if self.cls is AiryraConfig else None
        return self.cls(value, fallbacks)


class Config:
    """A project config. Build one with ``default_config`` or ``load``."""

    _schema = _SCHEMA

    project: _Key[str] = _Key()
    workers: _Key[int] = _Key()
    image: _Key[str] = _Key()
    setup_script: _Key[str | None] = _Key()
    ports: _Key[list[str]] = _Key()

    def __init__(self, data: Mapping[str, Any] | None = None, *, path: str | None = None,
                 document: Document | None = None) -> None:
        self._data = config_data(data or {}, document.texts if document is not None else None)
        self._fallbacks: dict[str, Any] = {}
        self.path = path
        self._document = document

    git = _Sub(GitConfig)
    claude = _Sub(ClaudeConfig)
    airyra = _Sub(AiryraConfig)
    zellij = _Sub(ZellijConfig)

    def to_dict(self) -> dict[str, Any]:
        """The resolved config (defaults filled in), keys in the schema's order."""
        data = _copy(self._data)
        airyra = data.get("airyra")
        if isinstance(airyra, dict) and "project" not in airyra:
            airyra["project"] = data.get("project")
        return _schema_order(_SCHEMA, data)  # type: ignore[no-any-return]

    def issues(self, limit: int | None = MAX_LISTED) -> list[Issue]:
        """The problems, in file order, located in the file the config was loaded from (if
        any): the first ``limit`` of them (all when None), then a ``LeftOut`` counting the rest."""
        return config_issues(self._data, self._document, self.path or "", limit)

    def validate(self) -> None:
        """Raise ``ValidationError`` listing every problem; return quietly when valid."""
        issues = self.issues()
        if issues:
            raise ValidationError(issues, path=self.path or "")

    def warning_issues(self) -> list[Issue]:
        """Non-fatal problems, located as ``issues`` are."""
        return config_warnings(self._data, self._document, self.path or "")

    def warnings(self) -> list[str]:
        """Non-fatal problems, as messages."""
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
    """A config for a new project: the schema's defaults and the given name."""
    return Config({"project": project_name})


def config_path(directory: str | os.PathLike[str]) -> Path:
    from pathlib import Path

    return Path(directory) / CONFIG_FILE_NAME


def parse_config_text(text: str | bytes, path: str = "") -> Config:
    """A ``Config`` from YAML text (or a file's bytes); ``ConfigError`` (with a line) if it is
    not a config at all. Not checked: see ``Config.issues``."""
    document = read_config(text, path)
    return Config(document.data, path=path, document=document)


def load_file(path: str | os.PathLike[str]) -> Config:
    """Read one config file (any name); ``ConfigError`` if it cannot be read as a config."""
    name = os.fspath(path)
    return parse_config_text(read_config_bytes(name), name)


def _refuse_misnamed(directory: str | os.PathLike[str], shown: str | os.PathLike[str]) -> None:
    """``ConfigError`` when ``directory`` holds an ``isollm.yml`` and no ``isollm.yaml``;
    the message names it as ``shown``."""
    if not os.path.lexists(config_path(directory)) and os.path.lexists(os.path.join(directory, MISNAMED_CONFIG)):
        raise ConfigError(misnamed(shown) or "", path=os.fspath(shown))


def load(directory: str | os.PathLike[str]) -> Config:
    """The config of the project in ``directory`` (not validated: see ``load_and_validate``)."""
    _refuse_misnamed(directory, os.path.join(directory, MISNAMED_CONFIG))
    return load_file(config_path(directory))


def load_and_validate(directory: str | os.PathLike[str]) -> Config:
    """``load`` and ``Config.validate`` in one."""
    config = load(directory)
    config.validate()
    return config


def schema_modeline() -> str:
    """The comment that tells YAML editors which schema describes the file: the project's
    copy of the installed schema, by a path relative to the file (portable, works offline)."""
    return f"# yaml-language-server: $schema={SCHEMA_COPY}\n"


def render(config: Config) -> str:
    """The text of ``config`` as a file: the modeline, then every key with its comment."""
    from isollm.config_template import commented_config

    return schema_modeline() + commented_config(config._data, _SCHEMA)


def write_target(path: str | os.PathLike[str]) -> Path:
    """The file that writing the config at ``path`` replaces: ``path``, or the file a symlink
    there points to (a dotfile manager's link stays a link; its target gets the new content)."""
    from pathlib import Path

    return Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)


def save(directory: str | os.PathLike[str], config: Config, *, exclusive: bool = False) -> Path:
    """Validate ``config``, then write it to ``directory/isollm.yaml`` atomically; return the path.

    An invalid config raises ``ValidationError`` and nothing is written. A new
    file is written whole (``render``). An existing one goes through ``edit``:
    only the values that differ from it change, each in place, and a key still
    at its default that the file leaves out stays out. When that cannot be done
    (an anchor used elsewhere, a file that is not a config, one whose other
    problems would stay), ``ConfigError`` or ``ValidationError`` and the file is
    left byte for byte as it was: never rewritten whole.

    A symlink there is kept and its target replaced (see ``write_target``). With
    ``exclusive``, only create the file: ``FileExistsError`` if anything of that name
    is there by then (the check and the creation are one step, so nothing is replaced).
    """
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


def edit(path: str | os.PathLike[str], changes: Sequence[tuple[Sequence[str], Any]] | bytes, *,
         original: bytes | None = None, read_from: str | os.PathLike[str] | None = None,
         strict: bool = False, expect: Config | None = None) -> list[Issue]:
    """The one way an existing config file changes: ``config set``, ``unset``, ``edit`` and ``save``.

    ``changes`` are (keys, value) pairs, ``yaml_edit.UNSET`` removing the key, each made in
    place with every other byte kept (``isollm.io.yaml_edit``); or, from ``config edit``, the
    new content whole, as the user wrote it. ``original``: the bytes the change was made
    from (read from the file when not given). The result must add no problem the file did
    not have (compared by pointer, rule and message, so a problem fixed goes and the others
    may stay); with ``strict``, it must have none at all, and with ``expect`` it must read as
    that config. Returns the problems (errors and warnings) the file then has.

    Refusals leave the file byte for byte as it was: ``ValidationError`` with the new
    problems; ``ConfigError`` when the file is not a config, a change cannot be made in
    place, or the file changed on disk meanwhile (see ``write_if_unchanged``).
    """
    name = os.fspath(path)
    target = write_target(path) if read_from is None else read_from
    raw = read_config_bytes(target) if original is None else original
    data = changes if isinstance(changes, bytes) else _edited(raw, changes, name)
    result, after = _problems(data, name)
    try:
        known = set() if strict else {_sameness(issue) for issue in _problems(raw, name)[1]}
    except ConfigError as error:  # empty, or only comments: keys can still be added
        known = {_sameness(issue) for issue in error.issues}
    new = [issue for issue in after if issue.severity == "error" and _sameness(issue) not in known]
    if new:
        raise ValidationError(new, path=name)
    from isollm.io.yaml_edit import same

    if expect is not None and not same(result.to_dict(), expect.to_dict()):
        raise ConfigError("cannot save in place: the edited file would not read as the config", path=name)
    if data != raw:
        write_if_unchanged(path, raw, data, read_from=target)
    return after


def _sameness(issue: Issue) -> tuple[str, str, str]:
    """What makes a problem the same one after an edit: where and which rule, and its message
    with numbers left out (a duplicate key names the line of the first)."""
    import re

    return issue.pointer, issue.keyword, re.sub(r"[0-9]+", "#", issue.message)


def _problems(raw: bytes, name: str) -> tuple[Config, list[Issue]]:
    """The config in ``raw`` and its errors and warnings (all of them), located in ``name``."""
    config = parse_config_text(raw, name)
    return config, [*config.issues(None), *config.warning_issues()]


def _edited(raw: bytes, changes: Sequence[tuple[Sequence[str], Any]], name: str) -> bytes:
    """``raw`` with each change made in place, in turn; ``ConfigError`` when one cannot be."""
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
    """``value`` without the keys whose value is null (a null counts as not written)."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return value


def _changes(raw: bytes, config: Config, name: str) -> list[tuple[tuple[str, ...], Any]]:
    """The changes, key by key, that make the file in ``raw`` read as ``config``: a value at its
    default that the file leaves out stays out. ``ConfigError`` if the file is not a config."""
    from isollm.io.yaml_edit import UNSET, diff

    text = decode_utf8(raw, path=name)
    written = parse_yaml(text, path=name).data
    if written is not None and not isinstance(written, dict):
        parse_config_text(text, name)  # raises, saying what the file is instead
    before = apply_defaults(_SCHEMA, _without_nulls(written or {}))
    return [(keys, value) for keys, value in diff(before, _without_nulls(config._data))
            if value is not UNSET or pointers.resolve(written, pointers.join(keys)) is not pointers.MISSING]


def write_if_unchanged(path: str | os.PathLike[str], original: bytes, data: bytes, *,
                       read_from: str | os.PathLike[str] | None = None) -> None:
    """Replace the config at ``path`` (through a symlink: its target) with ``data``, atomically
    and keeping its permissions, unless it no longer holds ``original``: then ``ConfigError``
    and nothing written (someone changed it since it was read). ``read_from``: the file
    ``original`` was read from, when a symlink at ``path`` may have been pointed elsewhere since."""
    name = os.fspath(path)
    target = os.path.realpath(name)
    try:
        current = read_config_bytes(target)
    except ConfigError:
        current = None
    if current != original or (read_from is not None and os.path.realpath(read_from) != target):
        raise ConfigError("changed on disk meanwhile; it was left as it is (run the command again)", path=name)
    atomic_write(target, data, mode=os.stat(target).st_mode & 0o7777)


def exists(directory: str | os.PathLike[str]) -> bool:
    return config_path(directory).is_file()


def find_project_root(start_dir: str | os.PathLike[str]) -> Path:
    """The nearest directory at or above ``start_dir`` that holds an ``isollm.yaml``.

    Any entry of that name counts, even a directory, a FIFO or a dangling symlink: the
    reader then says what is wrong with it, instead of the search silently walking past
    it to some other project's config higher up. For the same reason a directory with an
    ``isollm.yml`` (and no ``isollm.yaml``) stops the search: ``ConfigError`` says to
    rename it.
    """
    from pathlib import Path

    current = Path(start_dir).resolve()
    for candidate in (current, *current.parents):
        if os.path.lexists(config_path(candidate)):
            return candidate
        _refuse_misnamed(candidate, os.path.relpath(candidate / MISNAMED_CONFIG, start_dir))
    raise ConfigError(f"not in an isollm project: no {CONFIG_FILE_NAME} in {current} or any directory above it "
                      "('isollm init' creates one)")


def create_state_dir(directory: str | os.PathLike[str]) -> Path:
    """Create ``directory/.isollm`` if needed; return it."""
    from pathlib import Path

    path = Path(directory) / STATE_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path
