"""Small pieces every command shares: where the project is, how paths and problems are shown."""

from __future__ import annotations

import os
import sys

from isollm.errors import Issue

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path  # made where needed: the hook (validate) runs without pathlib
    from typing import Sequence, TextIO


def project_root() -> Path:
    """The project the user is in (the current directory or one above it).

    Finding it also keeps the editor's schema copy current (a warning if it cannot be).
    """
    from isollm.config import CONFIG_FILE_NAME, find_project_root

    root = find_project_root(os.getcwd())
    refresh_schema_copy(root / CONFIG_FILE_NAME)
    return root


def refresh_schema_copy(config_path: str | os.PathLike[str]) -> None:
    """Keep ``.isollm/isollm.schema.json`` beside a config whose modeline names it current."""
    from isollm.io.schema_copy import refresh_for_config

    warning = refresh_for_config(config_path)
    if warning:
        print(warning, file=sys.stderr)


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the current directory, as ``isollm validate`` shows it."""
    return os.path.relpath(path)


def print_issues(path: str, errors: Sequence[Issue], warnings: Sequence[Issue] = (),
                 stream: TextIO | None = None) -> None:
    """``PATH:LINE:COL: error: MESSAGE`` lines (and warnings) in file order."""
    from isollm.cli.report import FileReport, text_lines

    out = stream or sys.stderr
    for line in text_lines(FileReport(path, list(errors), list(warnings))):
        print(line, file=out)


def ask(prompt: str) -> str | None:
    """One line from the terminal, or None at end of input (Ctrl-D)."""
    try:
        return input(prompt)
    except EOFError:
        print(file=sys.stderr)
        return None


def interactive() -> bool:
    """Whether a person can answer questions: stdin is a terminal."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # stdin closed
        return False
