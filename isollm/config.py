"""The project config (``isollm.yaml``): load, defaults, validation, save.

Every limit, default, pattern and message comes from ``schemas/isollm.schema.json``.
A ``Config`` is a typed view over one dict holding the document as written with
the schema's defaults filled in where a value is missing, so a value the user
wrote (even ``workers: 0`` or ``workers: "3"``) is validated as written.
"""

from __future__ import annotations

import copy
import os
from typing import TYPE_CHECKING, Any, Generic, Mapping, TypeVar

from isollm.io.atomic import atomic_create, atomic_write
from isollm.errors import ConfigError, Issue, ValidationError, YamlError
from isollm.schema.formats import image_pins_version
from isollm.schema.loader import load_schema
from isollm.schema.messages import schema_message
from isollm.schema.check import validate_instance
from isollm.io.yamlio import Document, decode_utf8, dump_yaml, parse_yaml, read_limited
from isollm.util.numbers import whole_numbers

if TYPE_CHECKING:
    from pathlib import Path

CONFIG_FILE_NAME = "isollm.yaml"
STATE_DIR = ".isollm"

_SCHEMA = load_schema("config")
_PROPS = _SCHEMA["properties"]
MIN_WORKERS: int = _PROPS["workers"]["minimum"]
MAX_WORKERS: int = _PROPS["workers"]["maximum"]
MIN_USER_PORT: int = _PROPS["airyra"]["properties"]["port"]["minimum"]
MAX_PORT: int = _PROPS["airyra"]["properties"]["port"]["maximum"]
MIN_PROJECT_NAME_LEN: int = _PROPS["project"]["minLength"]
MAX_PROJECT_NAME_LEN: int = _PROPS["project"]["maxLength"]

T = TypeVar("T")


def apply_defaults(schema: Mapping[str, Any], value: Any) -> Any:
    """A copy of ``value`` with the schema's ``default`` filled in wherever a key is missing,
    and whole-number floats at integer positions read as integers."""
    if not isinstance(value, dict):
        return copy.deepcopy(value)
    result = {key: copy.deepcopy(item) for key, item in value.items()}
    for name, sub in schema.get("properties", {}).items():
        if name not in result and "default" in sub:
            result[name] = copy.deepcopy(sub["default"])
        if name in result:
            result[name] = whole_numbers(sub, result[name])
        if name in result and sub.get("properties"):
            result[name] = apply_defaults(sub, result[name])
    return result


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
        view._data[self.name] = value


class _Section:
    _name = ""

    def __init__(self, data: dict[str, Any], fallbacks: dict[str, Any] | None = None) -> None:
        self._data = data
        self._fallbacks = fallbacks or {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"


class GitConfig(_Section):
    _name = "git"
    base_branch = _Key[str]()
    branch_prefix = _Key[str]()
    upstream = _Key["str | None"]()


class ClaudeConfig(_Section):
    _name = "claude"
    command = _Key[str]()
    args = _Key["list[str]"]()


class AiryraConfig(_Section):
    _name = "airyra"
    project = _Key[str]()
    host = _Key[str]()
    port = _Key[int]()


class ZellijConfig(_Section):
    _name = "zellij"
    layout = _Key[str]()
    dashboard = _Key[bool]()


class Config:
    """A project config. Build one with ``default_config`` or ``load``."""

    project = _Key[str]()
    workers = _Key[int]()
    image = _Key[str]()
    setup_script = _Key["str | None"]()
    ports = _Key["list[str | int]"]()

    def __init__(self, data: Mapping[str, Any] | None = None, *, path: str | None = None,
                 document: Document | None = None) -> None:
        self._data: dict[str, Any] = apply_defaults(_SCHEMA, dict(data or {}))
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
        data = copy.deepcopy(self._data)
        airyra = data.get("airyra")
        if isinstance(airyra, dict) and "project" not in airyra:
            airyra["project"] = data.get("project")
        ordered: dict[str, Any] = _schema_order(_SCHEMA, data)
        return ordered

    def issues(self) -> list[Issue]:
        """Every problem, located in the file the config was loaded from (if any)."""
        issues = validate_instance("config", self._data, self._document)
        return [issue.located(path=self.path) for issue in issues] if self.path else issues

    def validate(self) -> None:
        """Raise ``ValidationError`` listing every problem; return quietly when valid."""
        issues = self.issues()
        if issues:
            raise ValidationError(issues, path=self.path or "")

    def warning_issues(self) -> list[Issue]:
        image = self._data.get("image")
        if isinstance(image, str) and image and not image_pins_version(image):
            line, column = self._document.locate("/image") if self._document else (None, None)
            message = schema_message(_PROPS["image"], "format.untagged", location="/image", instance=image)
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
        raise ConfigError(f"config must be a mapping of keys to values, not {kind}",
                          path=path, line=line, column=column)
    return Config(document.data, path=path, document=document)


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


def load(directory: str | os.PathLike[str]) -> Config:
    """The config of the project in ``directory`` (not validated: see ``load_and_validate``)."""
    return load_file(config_path(directory))


def load_and_validate(directory: str | os.PathLike[str]) -> Config:
    """``load`` and ``Config.validate`` in one."""
    config = load(directory)
    config.validate()
    return config


def schema_modeline() -> str:
    """The comment that tells YAML editors which schema describes the file."""
    return f"# yaml-language-server: $schema={_SCHEMA['$id']}\n"


def render(config: Config) -> str:
    return schema_modeline() + dump_yaml(config.to_dict())


def write_target(path: str | os.PathLike[str]) -> Path:
    """The file that writing the config at ``path`` replaces: ``path``, or the file a symlink
    there points to (a dotfile manager's link stays a link; its target gets the new content)."""
    from pathlib import Path

    return Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)


def save(directory: str | os.PathLike[str], config: Config, *, exclusive: bool = False) -> Path:
    """Write ``config`` to ``directory/isollm.yaml`` atomically; return the path.

    A symlink there is kept and its target replaced (see ``write_target``). With
    ``exclusive``, only create the file: ``FileExistsError`` if anything of that name
    is there by then (the check and the creation are one step, so nothing is replaced).
    """
    path = config_path(directory)
    try:
        text = render(config)
    except YamlError as error:
        raise ConfigError(error.message, path=os.fspath(path)) from None
    if exclusive:
        atomic_create(path, text.encode("utf-8"))
    else:
        atomic_write(write_target(path), text.encode("utf-8"))
    return path


def exists(directory: str | os.PathLike[str]) -> bool:
    return config_path(directory).is_file()


def find_project_root(start_dir: str | os.PathLike[str]) -> Path:
    """The nearest directory at or above ``start_dir`` that holds an ``isollm.yaml``.

    Any entry of that name counts, even a directory, a FIFO or a dangling symlink: the
    reader then says what is wrong with it, instead of the search silently walking past
    it to some other project's config higher up.
    """
    from pathlib import Path

    current = Path(start_dir).resolve()
    for candidate in (current, *current.parents):
        if os.path.lexists(config_path(candidate)):
            return candidate
    raise ConfigError(f"not in an isollm project (no {CONFIG_FILE_NAME} found)")


def create_state_dir(directory: str | os.PathLike[str]) -> Path:
    """Create ``directory/.isollm`` if needed; return it."""
    from pathlib import Path

    path = Path(directory) / STATE_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path
