"""Checking config files and printing the result as text, JSON or GitHub annotations."""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Sequence

from isollm.config import Config, load_file, parse_config_text
from isollm.errors import ConfigError, Issue
from isollm.util.record import Record
from isollm.util.oneline import one_line
from isollm.io.yamlio import YamlError, decode

FORMATS = ("text", "json", "github")


class FileReport(Record):
    __match_args__ = ("path", "errors", "warnings")
    _fields = __match_args__

    def __init__(self, path: str, errors: list[Issue] | None = None, warnings: list[Issue] | None = None) -> None:
        self.path = path
        self.errors: list[Issue] = [] if errors is None else errors
        self.warnings: list[Issue] = [] if warnings is None else warnings

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "valid": self.valid,
                "errors": [i.to_dict() for i in self.errors],
                "warnings": [i.to_dict() for i in self.warnings]}


def _report(name: str, read: Callable[[], Config]) -> FileReport:
    try:
        config = read()
    except (ConfigError, YamlError) as error:
        return FileReport(name, [Issue(error.message, "", error.line, error.column, "load")])
    return FileReport(name, config.issues(), config.warning_issues())


def check_config_file(path: str | os.PathLike[str]) -> FileReport:
    """Every error and warning of one config file; a file that cannot be read is one error."""
    name = os.fspath(path)
    return _report(name, lambda: load_file(name))


def check_config_bytes(raw: bytes, name: str) -> FileReport:
    """The same for config bytes not (yet) in a file, reported under ``name``."""
    return _report(name, lambda: parse_config_text(decode(raw), name))


def _where(path: str, issue: Issue) -> str:
    path = one_line(path, limit=4096)
    if issue.line is None:
        return path
    if issue.column is None:
        return f"{path}:{issue.line}"
    return f"{path}:{issue.line}:{issue.column}"


def text_lines(report: FileReport) -> list[str]:
    """``PATH:LINE:COL: error: MESSAGE`` lines, errors and warnings in file order."""
    tagged = [(i, "error") for i in report.errors] + [(i, "warning") for i in report.warnings]
    tagged.sort(key=lambda pair: (pair[0].line or 0, pair[0].column or 0))
    return [f"{_where(report.path, i)}: {kind}: {i.message}" for i, kind in tagged]


def _escape_github(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def github_lines(report: FileReport) -> list[str]:
    out = []
    for kind, issues in (("error", report.errors), ("warning", report.warnings)):
        for issue in issues:
            props = [f"file={_escape_github(report.path, property_value=True)}"]
            if issue.line is not None:
                props.append(f"line={issue.line}")
            if issue.column is not None:
                props.append(f"col={issue.column}")
            out.append(f"::{kind} {','.join(props)}::{_escape_github(issue.message)}")
    return out


def json_document(reports: Sequence[FileReport]) -> str:
    return json.dumps({"valid": all(r.valid for r in reports),
                       "files": [r.to_dict() for r in reports]}, indent=2, ensure_ascii=False)
