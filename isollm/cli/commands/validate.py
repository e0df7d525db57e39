"""``isollm validate``: check config files, print located diagnostics, exit 0 or 1."""

from __future__ import annotations

import sys

from isollm.cli.commands._common import STDIN, config_path_argument, examine
from isollm.cli.report import github_lines, json_document, text_lines
from isollm.errors import UsageError, printable_path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Sequence


def run(paths: Sequence[str], output_format: str = "text", *, quiet_valid: bool = False) -> int:
    """Validate ``paths`` (a directory: its isollm.yaml; ``-``: standard input; none: the
    current project's config); 0 when all are valid, else 1."""
    if list(paths).count(STDIN) > 1:
        raise UsageError("standard input ('-') can be read only once")
    targets: list[str | None] = [*paths] or [None]
    files = [config_path_argument(target) for target in targets]
    # Each file read once: checked, and the editor's schema copy beside it kept current.
    reports = [examine(path) for path in files]
    if output_format == "json":
        print(json_document(reports))
    elif output_format == "github":
        for report in reports:
            for line in github_lines(report):
                print(line)
    else:
        for report in reports:
            for line in text_lines(report):
                print(line, file=sys.stderr)
            if report.valid and not quiet_valid:
                print(f"{printable_path(report.path)}: valid")
    return 0 if all(report.valid for report in reports) else 1
