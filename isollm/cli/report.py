"""Checking config files and printing the result as text, JSON or GitHub annotations."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from isollm.config import Config, misnamed, parse_config_text, read_config_bytes
from isollm.errors import ConfigError, Issue, LeftOut, by_position, not_listed
from isollm.io.schema_copy import modeline_issues
from isollm.io.yamlio import decode_utf8

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any, Callable, Sequence


STDIN_NAME = "<stdin>"  # how standard input is named in reports


@dataclass
class FileReport:
    path: str
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """The file's entry in ``--format json``: its problems, and how many more it has that
        are not listed (``errors_not_listed``: after the first ``MAX_LISTED``)."""
        return {"path": self.path, "valid": self.valid,
                "errors": [i.to_dict() for i in self.errors if not isinstance(i, LeftOut)],
                "errors_not_listed": not_listed(self.errors),
                "warnings": [i.to_dict() for i in self.warnings]}


def read_and_check(name: str, read: Callable[[], bytes]) -> tuple[FileReport, Config | None, bytes | None]:
    """Every error and warning of the config ``read`` gives, reported under ``name``; the config
    when it could be read, and its bytes when they could (a file is read once, for all uses).

    A file named ``isollm.yml`` is checked too, after an error saying that isollm never reads
    it under that name.
    """
    raw: bytes | None = None
    config: Config | None = None
    try:
        raw = read()
        config = parse_config_text(decode_utf8(raw, path=name), name)
    except ConfigError as error:
        report = FileReport(name, error.issues)
    else:
        report = FileReport(name, config.issues(), modeline_issues(raw) + config.warning_issues())
    rename = misnamed(name)
    if rename:
        report.errors.insert(0, Issue(rename, "", None, None, "fileName", name))
    return report, config, raw


def check_config_file(path: str | os.PathLike[str]) -> FileReport:
    """Every error and warning of one config file; a file that cannot be read is one error."""
    name = os.fspath(path)
    return read_and_check(name, lambda: read_config_bytes(name))[0]


def check_config_bytes(raw: bytes, name: str) -> FileReport:
    """The same for config bytes not (yet) in a file, reported under ``name``."""
    return read_and_check(name, lambda: raw)[0]


def text_lines(report: FileReport) -> list[str]:
    """``PATH:LINE:COL: error: MESSAGE`` lines (``warning:`` for warnings), in file order,
    under the report's name for the file."""
    issues = sorted([*report.errors, *report.warnings], key=by_position)
    return [f"{i.where(report.path)}: {i.severity}: {i.message}" for i in issues]


def _escape_github(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def _repository_root(directory: str) -> str | None:
    """The nearest directory at or above ``directory`` holding ``.git`` (a directory, or a
    file in a worktree or submodule), found without running git."""
    while True:
        if os.path.lexists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def repository_path(path: str) -> str:
    """``path`` relative to the root of the git repository that holds it, as GitHub names the
    file an annotation belongs to; relative to the current directory outside a repository."""
    if path == STDIN_NAME:
        return path
    absolute = os.path.abspath(path)
    root = _repository_root(os.path.dirname(absolute))
    return os.path.relpath(absolute, root) if root is not None else os.path.relpath(absolute)


def github_lines(report: FileReport) -> list[str]:
    """GitHub Actions workflow commands (``::error file=...,line=...,col=...::MESSAGE``)."""
    out = []
    name = _escape_github(repository_path(report.path), property_value=True)
    for issue in [*report.errors, *report.warnings]:
        props = [f"file={name}"]
        if issue.line is not None:
            props.append(f"line={issue.line}")
        if issue.column is not None:
            props.append(f"col={issue.column}")
        out.append(f"::{issue.severity} {','.join(props)}::{_escape_github(issue.message)}")
    return out


def json_document(reports: Sequence[FileReport]) -> str:
    import json  # only for --format json: the hook prints text

    return json.dumps({"valid": all(r.valid for r in reports),
                       "files": [r.to_dict() for r in reports]}, indent=2, ensure_ascii=False)
