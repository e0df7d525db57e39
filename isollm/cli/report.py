"""Printing what the check stage (``isollm.check``) found, as text, JSON or GitHub annotations."""

from __future__ import annotations

import os
from collections.abc import Sequence

from isollm.check import Checked, check_config, not_read, read_config_bytes
from isollm.errors import ConfigError, LeftOut, by_position, not_listed

STDIN_NAME = "<stdin>"  # how standard input is named in reports


def check_config_file(path: str | os.PathLike[str]) -> Checked:
    """Every error and warning of one config file; a file that cannot be read is one error."""
    name = os.fspath(path)
    try:
        raw = read_config_bytes(name)
    except ConfigError as error:
        return not_read(name, error)
    return check_config(raw, name)


def text_lines(report: Checked) -> list[str]:
    """``PATH:LINE:COL: error: MESSAGE`` lines (``warning:`` for warnings), in file order,
    under the report's name for the file."""
    issues = sorted([*report.errors, *report.warnings], key=by_position)
    return [f"{i.where(report.path)}: {i.severity}: {i.message}" for i in issues]


def _escape_github(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def repository_path(path: str) -> str:
    """``path`` relative to the root of the git repository that holds it (the nearest directory
    above it with a ``.git``, found without running git), as GitHub names the file an annotation
    belongs to; relative to the current directory outside a repository."""
    if path == STDIN_NAME:
        return path
    absolute = root = os.path.abspath(path)
    while root != os.path.dirname(root):
        root = os.path.dirname(root)
        if os.path.lexists(os.path.join(root, ".git")):
            return os.path.relpath(absolute, root)
    return os.path.relpath(absolute)


def github_lines(report: Checked) -> list[str]:
    """GitHub Actions workflow commands (``::error file=...,line=...,col=...::MESSAGE``)."""
    out = []
    name = _escape_github(repository_path(report.path), property_value=True)
    for issue in [*report.errors, *report.warnings]:
        props = [f"file={name}", *(f"{key}={value}" for key, value in (("line", issue.line), ("col", issue.column))
                                   if value is not None)]
        out.append(f"::{issue.severity} {','.join(props)}::{_escape_github(issue.message)}")
    return out


def json_document(reports: Sequence[Checked]) -> str:
    import json  # only for --format json: the hook prints text

    # errors_not_listed: how many errors a file has after the first MAX_LISTED.
    files = [{"path": r.path, "valid": r.valid,
              "errors": [i.to_dict() for i in r.errors if not isinstance(i, LeftOut)],
              "errors_not_listed": not_listed(r.errors),
              "warnings": [i.to_dict() for i in r.warnings]} for r in reports]
    return json.dumps({"valid": all(r.valid for r in reports), "files": files}, indent=2, ensure_ascii=False)
