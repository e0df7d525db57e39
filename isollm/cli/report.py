"""The report stage: ``isollm validate``, which prints what the check stage (``isollm.check``) found as text,
JSON or GitHub annotations, and what the other commands share of it: the project and the config a command
names, read and checked once, and questions to the person at the terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from isollm.check import Checked, check_config, misnamed, not_read, read_config_bytes
from isollm.errors import ConfigError, Issue, LeftOut, UsageError, by_position, json_text, not_listed, printable_path
from isollm.io.schema_copy import refresh_for_config
from isollm.io.yamlio import MAX_FILE_BYTES, within_limit
from isollm.names import CONFIG_FILE_NAME, MISNAMED_CONFIG

if TYPE_CHECKING:  # made where needed: the hook (validate) runs without pathlib
    from pathlib import Path

    from isollm.config import Config

STDIN = "-"  # as a PATH: read standard input
STDIN_NAME = "<stdin>"  # how standard input is named in reports


def project_root() -> Path:
    """The project the user is in (the current directory or one above it); finding it also keeps
    the editor's schema copy current (a warning if it cannot be)."""
    # The API (~0.4 ms to import): the hook, given paths, needs none of it.
    from isollm.config import find_project_root

    root = find_project_root(os.getcwd())
    warn(refresh_for_config(root / CONFIG_FILE_NAME))
    return root


def warn(warning: str | None) -> None:
    if warning:
        print(warning, file=sys.stderr)


def config_path_argument(where: str | None) -> str:
    """The config file a command line's ``PATH|DIR|-`` names: a directory's ``isollm.yaml``,
    ``-`` for standard input, or (no argument) the config of the project the user is in."""
    if where is None:
        from isollm.config import find_project_root

        return os.path.relpath(find_project_root(os.getcwd()) / CONFIG_FILE_NAME)
    if not where:
        raise UsageError("PATH is empty: name a config file, a directory (its isollm.yaml) or - (standard input)")
    # A directory named like the config is a broken config, reported as what it is, not walked into.
    if where != STDIN and os.path.isdir(where) and os.path.basename(os.path.normpath(where)) != CONFIG_FILE_NAME:
        return CONFIG_FILE_NAME if where in (".", "./") else os.path.join(where, CONFIG_FILE_NAME)
    return where


def _read_stdin() -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise ConfigError("standard input is closed", path=STDIN_NAME)
    try:
        raw: bytes = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"cannot read standard input: {error.strerror}", path=STDIN_NAME) from None
    return within_limit(raw, STDIN_NAME, what="standard input")


def check_config_file(path: str | os.PathLike[str], *, refresh: bool = False) -> Checked:
    """Every error and warning of the config ``path`` names (``-``: standard input), read once; one that
    cannot be read is one error. ``refresh``: keep the editor's schema copy beside it current from the same bytes."""
    name = STDIN_NAME if path == STDIN else os.fspath(path)
    try:
        raw = _read_stdin() if path == STDIN else read_config_bytes(name)
    except ConfigError as error:
        return not_read(name, error)
    if refresh and path != STDIN:
        warn(refresh_for_config(name, raw))
    return check_config(raw, name)


def load_and_report(path: str) -> Config | None:
    """The config ``path`` names, its problems printed on stderr as ``validate`` prints them; None if unreadable."""
    from isollm.config import Config

    checked = check_config_file(path, refresh=True)
    print_issues(checked.path, checked.errors, checked.warnings)
    return None if checked.data is None else Config(checked.data, path=checked.path, document=checked.document)


def text_lines(report: Checked) -> list[str]:
    """``PATH:LINE:COL: error: MESSAGE`` lines (``warning:`` for warnings), in file order."""
    issues = sorted([*report.errors, *report.warnings], key=by_position)
    return [f"{i.where(report.path)}: {i.severity}: {i.message}" for i in issues]


def print_issues(path: str, errors: Sequence[Issue], warnings: Sequence[Issue] = ()) -> None:
    for line in text_lines(Checked(path, list(errors), list(warnings))):
        print(line, file=sys.stderr)


def _escape_github(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def repository_path(path: str) -> str:
    """``path`` as GitHub names an annotation's file: relative to the nearest directory above it with a
    ``.git`` (found without running git), else to the current directory."""
    if path == STDIN_NAME:
        return path
    absolute = root = os.path.abspath(path)
    while root != os.path.dirname(root):
        root = os.path.dirname(root)
        if os.path.lexists(os.path.join(root, ".git")):
            return os.path.relpath(absolute, root)
    return os.path.relpath(absolute)


def github_lines(report: Checked) -> list[str]:
    out = []
    name = _escape_github(repository_path(report.path), property_value=True)
    for issue in [*report.errors, *report.warnings]:
        props = [f"file={name}", *(f"{key}={value}" for key, value in (("line", issue.line), ("col", issue.column))
                                   if value is not None)]
        out.append(f"::{issue.severity} {','.join(props)}::{_escape_github(issue.message)}")
    return out


def json_document(reports: Sequence[Checked]) -> str:
    # errors_not_listed: how many errors a file has after the first MAX_LISTED.
    files = [{"path": r.path, "valid": r.valid,
              "errors": [i.to_dict() for i in r.errors if not isinstance(i, LeftOut)],
              "errors_not_listed": not_listed(r.errors),
              "warnings": [i.to_dict() for i in r.warnings]} for r in reports]
    return json_text({"valid": all(r.valid for r in reports), "files": files})


def _config_file(where: str | None) -> str:
    """As for every command, but a directory's lone ``isollm.yml`` is checked too, named or searched for,
    so its report starts with "rename it" in the usual ``PATH: error:`` form."""
    try:
        path = config_path_argument(where)
    except ConfigError as error:
        if misnamed(error.path):  # the project search stopped at an isollm.yml
            return error.path
        raise
    if where is not None and path != where and not os.path.lexists(path):
        sibling = os.path.join(os.path.dirname(path), MISNAMED_CONFIG)
        if os.path.lexists(sibling):
            return sibling
    return path


def validate(paths: Sequence[str], output_format: str = "text", *, quiet_valid: bool = False) -> int:
    if list(paths).count(STDIN) > 1:
        raise UsageError("standard input ('-') can be read only once")
    targets: list[str | None] = [*paths] or [None]
    files = [_config_file(target) for target in targets]
    reports = [check_config_file(path, refresh=True) for path in files]
    if output_format == "json":
        print(json_document(reports))
    elif output_format == "github":
        for report in reports:
            for line in github_lines(report):
                print(line)
    else:
        for report in reports:
            print_issues(report.path, report.errors, report.warnings)
            if report.valid and not quiet_valid:
                print(f"{printable_path(report.path)}: valid")
    return 0 if all(report.valid for report in reports) else 1


def ask(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        print(file=sys.stderr)
        return None


def interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()
