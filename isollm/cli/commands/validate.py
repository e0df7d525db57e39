"""``isollm validate``: check config files, print located diagnostics, exit 0 or 1."""

from __future__ import annotations

import os
from collections.abc import Sequence

from isollm.check import misnamed
from isollm.cli.report import STDIN, check_config_file, config_path_argument, github_lines, json_document, print_issues
from isollm.errors import ConfigError, UsageError, printable_path
from isollm.names import MISNAMED_CONFIG


def _config_file(where: str | None) -> str:
    """As for every command, but a directory's lone ``isollm.yml`` is checked too, named or searched for,
    so its report starts with "rename it" in the usual ``PATH: error:`` form."""
    try:
        path = config_path_argument(where)
    except ConfigError as error:
        if misnamed(error.issue.path):  # the project search stopped at an isollm.yml
            return error.issue.path
        raise
    if where is not None and path != where and not os.path.lexists(path):
        sibling = os.path.join(os.path.dirname(path), MISNAMED_CONFIG)
        if os.path.lexists(sibling):
            return sibling
    return path


def run(paths: Sequence[str], output_format: str = "text", *, quiet_valid: bool = False) -> int:
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
