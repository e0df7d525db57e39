"""Small pieces every command shares: where the project is, how paths and problems are shown."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Sequence, TextIO

from isollm.errors import Issue, UsageError

if TYPE_CHECKING:
    from pathlib import Path  # made where needed: the hook (validate) runs without pathlib


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


def check_choice(flag: str, value: str, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices``; a usage error naming the flag otherwise."""
    if value not in choices:
        raise UsageError(f"{flag} must be one of: {', '.join(choices)} (got {value!r})")
    return value


def bool_flag(flag: str, value: object) -> bool:
    """A boolean flag: Fire passes ``--flag`` as the text 'True' and ``--noflag`` as 'False'."""
    if value in (True, "True"):
        return True
    if value in (False, "False"):
        return False
    raise UsageError(f"{flag} takes no value (got {value!r})")


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
