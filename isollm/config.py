"""The project config (``isollm.yaml``): load, defaults, validation, save.

Every limit, default, pattern and message comes from ``schemas/isollm.schema.json``.
A ``Config`` is a typed view over one dict holding the document as written with
the schema's defaults filled in where a value is missing, so a value the user
wrote (even ``workers: 0`` or ``workers: "3"``) is validated as written.
"""

from __future__ import annotations

import os

from isollm.io.atomic import atomic_create, atomic_write
from isollm.errors import MAX_LISTED, ConfigError, Issue, ValidationError, YamlError, first_listed
from isollm.schema.formats import image_pins_version
from isollm.schema.loader import load_schema, schema_file_name, schema_types
from isollm.schema import pointer as pointers
from isollm.schema.messages import schema_message
from isollm.schema.pointer import subschema
from isollm.schema.check import validate_instance
from isollm.io.locations import Located
from isollm.io.yamlio import Document, decode_utf8, dump_yaml, parse_yaml, read_limited
from isollm.util.numbers import whole_numbers
from isollm.util.regex_cache import compile_kept

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hook never needs it)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Generic, Iterator, Mapping, TypeVar

    T = TypeVar("T")

    class _Typed(Generic[T]):
        """What the type checker sees as the base of ``_Key``: a generic class."""
else:
    from isollm.util.record import AnnotationGeneric as _Typed

    T = None

CONFIG_FILE_NAME = "isollm.yaml"
STATE_DIR = ".isollm"
# The Go isollm reads isollm.yaml alone. This other spelling is recognised only to
# tell the user to rename it, never read as the project's config.
MISNAMED_CONFIG = "isollm.yml"

# The installed schema's copy that the modeline names, relative to the config's directory
# (kept current by isollm.io.schema_copy).
SCHEMA_COPY = f"{STATE_DIR}/{schema_file_name('config')}"

_SCHEMA = load_schema("config")
_PROPS = _SCHEMA["properties"]
MIN_WORKERS: int = _PROPS["workers"]["minimum"]
MAX_WORKERS: int = _PROPS["workers"]["maximum"]
MIN_USER_PORT: int = _PROPS["airyra"]["properties"]["port"]["minimum"]
MAX_PORT: int = _PROPS["airyra"]["properties"]["port"]["maximum"]
MIN_PROJECT_NAME_LEN: int = _PROPS["project"]["minLength"]
MAX_PROJECT_NAME_LEN: int = _PROPS["project"]["maxLength"]


def _copy(value: Any) -> Any:
    """A deep copy of YAML or JSON data (``copy.deepcopy`` only for what else a loader may give)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    import copy

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
        return _copy(value)
    properties = schema.get("properties", {})
    result = {key: _copy(item) for key, item in value.items()
              if item is not None or key not in properties}
    for name, sub in properties.items():
        if name not in result and "default" in sub:
            result[name] = _copy(sub["default"])
        if name in result:
            result[name] = whole_numbers(sub, result[name])
        if name in result and sub.get("properties"):
            result[name] = apply_defaults(sub, result[name])
    return result


def as_written(schema: Mapping[str, Any], value: Any, texts: Located[str] | Mapping[str, str],
               pointer: str = "") -> Any:
    """``value`` (a document's data) with the text as written wherever the schema wants text
    and YAML read a number or a boolean: ``base_branch: 1.10`` is ``"1.10"``, ``- 3000``
    under ``ports`` is ``"3000"``, as the Go isollm reads them into its string fields.

    ``texts`` holds the source text of such scalars by pointer (``Document.texts``).
    Only positions the schema knows change; a null stays null (not written).
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
    if not isinstance(value, (bool, int, float)):  # only those have a source text
        return value
    text = texts.get(pointer)
    return text if text is not None and "string" in schema_types(schema) else value


def _numbers_as_text(schema: Mapping[str, Any], value: Any) -> Any:
    """An int given (through the API) where the schema takes a number or its text, as
    text: the port ``3000`` is ``"3000"``, so ``Config.ports`` is always a list of str."""
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return {key: _numbers_as_text(properties[key], item) if key in properties else item
                for key, item in value.items()}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_numbers_as_text(schema["items"], item) for item in value]
    kinds = schema_types(schema)
    if isinstance(value, int) and not isinstance(value, bool) and "string" in kinds and "integer" in kinds:
        return str(value)
    return value


_LEADING_ZERO = compile_kept(r"[-+]?0[0-9]+")


def _number_positions(schema: Mapping[str, Any], value: Any, pointer: str = "") -> Iterator[str]:
    """The pointers of the scalars in ``value`` where ``schema`` does not take text,
    following ``properties`` and ``items``: only positions the schema knows (few, and shallow)."""
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                yield from _number_positions(properties[key], item, pointers.child(pointer, key))
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            for index, item in enumerate(value):
                yield from _number_positions(items, item, pointers.child(pointer, index))
    elif schema and "string" not in schema_types(schema):
        yield pointer


def _leading_zero_issues(document: Document, path: str) -> list[Issue]:
    """A number written with a leading zero where the schema wants a number (``workers: 010``):
    the Go isollm's YAML reads it as octal (8), YAML 1.2 as decimal (10). Never silently."""
    issues = []
    for where in _number_positions(_SCHEMA, document.data):
        text = document.texts.get(where)
        if text is None or not _LEADING_ZERO.fullmatch(text):
            continue
        message = schema_message(_SCHEMA, "leadingZero", location=where, text=text, decimal=int(text))
        issues.append(Issue(message, where, *document.locate(where), "leadingZero", path))
    return issues


class _Key(_Typed[T]):
    """An attribute that reads and writes one key of the view's dict.

    Its type is given by annotation (``port: _Key[int] = _Key()``), never by
    subscripting at run time: ``_Key["str | None"]()`` would compile the string
    on every import, a tenth of the pre-commit hook's run.
    """

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
        view._data[self.name] = _numbers_as_text(view._schema["properties"][self.name], value)


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
        self._data: dict[str, Any] = _numbers_as_text(_SCHEMA, apply_defaults(_SCHEMA, dict(data or {})))
        self._fallbacks: dict[str, Any] = {}
        self.path = path
        self._document = document

    def _section(self, cls: type[Any]) -> Any:
        value = self._data.get(cls._name)
        if not isinstance(value, dict):
            value = apply_defaults(_PROPS[cls._name], {})
        # The schema: airyra.project "Defaults to the isollm project name".
        fallbacks = {"project": self._data.get("project")} if cls is AiryraConfig else None
        return cls(value, fallbacks)

    @property
    def git(self) -> GitConfig:
        return self._section(GitConfig)  # type: ignore[no-any-return]

    @property
    def claude(self) -> ClaudeConfig:
        return self._section(ClaudeConfig)  # type: ignore[no-any-return]

    @property
    def airyra(self) -> AiryraConfig:
        return self._section(AiryraConfig)  # type: ignore[no-any-return]

    @property
    def zellij(self) -> ZellijConfig:
        return self._section(ZellijConfig)  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        """The resolved config (defaults filled in), keys in the schema's order."""
        data = _copy(self._data)
        airyra = data.get("airyra")
        if isinstance(airyra, dict) and "project" not in airyra:
            airyra["project"] = data.get("project")
        ordered: dict[str, Any] = _schema_order(_SCHEMA, data)
        return ordered

    def issues(self, limit: int | None = MAX_LISTED) -> list[Issue]:
        """The problems, in file order, located in the file the config was loaded from (if
        any): the first ``limit`` of them (all when None), then a ``LeftOut`` counting the rest."""
        issues = [self._at_null_key(issue)
                  for issue in validate_instance("config", self._data, self._document, limit)]
        if self._document is not None and self._document.texts:
            written = _leading_zero_issues(self._document, self.path or "")
            # The leading zero is the problem: what the number then breaks is not another.
            told = {issue.pointer for issue in written}
            issues = first_listed([*written, *(i for i in issues if i.pointer not in told)], limit)
        return [issue.located(path=self.path) for issue in issues] if self.path else issues

    def _at_null_key(self, issue: Issue) -> Issue:
        """A required key written but left null is missing (see ``apply_defaults``): say so
        where it is written, not at the top of its section."""
        if issue.keyword != "required" or self._document is None:
            return issue
        section = subschema(_SCHEMA, issue.pointer)
        for name in section.get("required", []):
            where = pointers.child(issue.pointer, name)
            written = self._document.keys.get(where)
            if (written is not None and pointers.resolve(self._document.data, where) is None
                    and issue.message == schema_message(section["properties"][name], "required", location=where)):
                return Issue(issue.message, issue.pointer, *written, issue.keyword, issue.path, issue.severity)
        return issue

    def validate(self) -> None:
        """Raise ``ValidationError`` listing every problem; return quietly when valid."""
        issues = self.issues()
        if issues:
            raise ValidationError(issues, path=self.path or "")

    def warning_issues(self) -> list[Issue]:
        image = self._data.get("image")
        if isinstance(image, str) and image and not image_pins_version(image):
            line, column = self._document.locate("/image") if self._document else (None, None)
            message = schema_message(_PROPS["image"], "warning.untagged", location="/image", instance=image)
            return [Issue(message, "/image", line, column, "warning", self.path or "", "warning")]
        return []

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
    # pathlib is imported where a Path is made: the hook, which never asks for
    # one, then starts without it.
    from pathlib import Path

    return Path(directory) / CONFIG_FILE_NAME


def parse_config_text(text: str, path: str = "") -> Config:
    """A ``Config`` from YAML text; ``ConfigError`` (with a line) if it is not a config at all."""
    document = parse_yaml(text, path=path)
    if document.data is None:
        raise ConfigError("config file is empty", path=path, line=1, column=1)
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        line, column = document.locate("")
        # The schema's own message for a document of the wrong type, with what this one is.
        raise ConfigError(f"{schema_message(_SCHEMA, 'type', location='')}, not {kind}",
                          path=path, line=line, column=column)
    return Config(as_written(_SCHEMA, document.data, document.texts), path=path, document=document)


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


def load_file(path: str | os.PathLike[str]) -> Config:
    """Read one config file (any name); ``ConfigError`` if it cannot be read as a config."""
    name = os.fspath(path)
    return parse_config_text(decode_utf8(read_config_bytes(name), path=name), name)


def misnamed(path: str | os.PathLike[str]) -> str | None:
    """What to do about a config file at ``path`` named ``isollm.yml``, which isollm never
    reads (None for any other name)."""
    name = os.fspath(path)
    if os.path.basename(name) != MISNAMED_CONFIG:
        return None
    renamed = os.path.join(os.path.dirname(name), CONFIG_FILE_NAME)
    return (f"isollm reads only {CONFIG_FILE_NAME}; rename {MISNAMED_CONFIG} to {CONFIG_FILE_NAME} "
            f"(git mv {name} {renamed})")


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
            atomic_create(path, render(config).encode("utf-8"))
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


if TYPE_CHECKING:
    from typing import Sequence


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
    known = set() if strict else _known_problems(raw, name)
    new = [issue for issue in after if issue.severity == "error" and _sameness(issue) not in known]
    if new:
        raise ValidationError(new, path=name)
    from isollm.io.yaml_edit import same

    if expect is not None and not same(result.to_dict(), expect.to_dict()):
        raise ConfigError("cannot save in place: the edited file would not read as the config", path=name)
    if data != raw:
        write_if_unchanged(path, raw, data, read_from=target)
    return after


def _known_problems(raw: bytes, name: str) -> set[tuple[str, str, str]]:
    try:
        issues = _problems(raw, name)[1]
    except ConfigError as error:  # empty, or only comments: keys can still be added
        issues = error.issues
    return {_sameness(issue) for issue in issues}


def _sameness(issue: Issue) -> tuple[str, str, str]:
    """What makes a problem the same one after an edit: where and which rule, and its message
    with numbers left out (a duplicate key names the line of the first)."""
    import re

    return issue.pointer, issue.keyword, re.sub(r"[0-9]+", "#", issue.message)


def _problems(raw: bytes, name: str) -> tuple[Config, list[Issue]]:
    """The config in ``raw`` and its errors and warnings (all of them), located in ``name``."""
    config = parse_config_text(decode_utf8(raw, path=name), name)
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
    raise ConfigError(f"not in an isollm project (no {CONFIG_FILE_NAME} found)")


def create_state_dir(directory: str | os.PathLike[str]) -> Path:
    """Create ``directory/.isollm`` if needed; return it."""
    from pathlib import Path

    path = Path(directory) / STATE_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path
