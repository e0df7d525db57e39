"""``isollm validate``: check config files, print located diagnostics, exit 0 or 1."""

from __future__ import annotations

import os
import sys
from typing import Sequence, TextIO

from isollm.config import CONFIG_FILE_NAME, find_project_root
from isollm.errors import UsageError, printable_path
from isollm.cli.report import REPORT_FORMATS, check_config_file, github_lines, json_document, text_lines


def run(paths: Sequence[str], output_format: str = "text", *, quiet_valid: bool = False,
        stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Validate ``paths`` (or the current project's config); 0 when all are valid, else 1."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    if output_format not in REPORT_FORMATS:
        raise UsageError(f"unknown format {output_format!r}; expected one of: {', '.join(REPORT_FORMATS)}")
    if not paths:
        paths = [os.path.relpath(find_project_root(os.getcwd()) / CONFIG_FILE_NAME)]
    reports = [check_config_file(path) for path in paths]
    if output_format == "json":
        print(json_document(reports), file=out)
    elif output_format == "github":
        for report in reports:
            for line in github_lines(report):
                print(line, file=out)
    else:
        for report in reports:
            for line in text_lines(report):
                print(line, file=err)
            if report.valid and not quiet_valid:
                print(f"{printable_path(report.path)}: valid", file=out)
    return 0 if all(report.valid for report in reports) else 1
