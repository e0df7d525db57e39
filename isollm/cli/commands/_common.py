"""Small pieces every command shares: where the project and its config are, how paths and problems are shown."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from isollm.check import Checked, check_config, not_read, read_config_bytes
from isollm.cli.report import STDIN_NAME, text_lines
from isollm.errors import ConfigError, Issue, UsageError
from isollm.io.schema_copy import refresh_for_config
from isollm.io.yamlio import MAX_FILE_BYTES, within_limit
from isollm.names import CONFIG_FILE_NAME

if TYPE_CHECKING:  # made where needed: the hook (validate) runs without pathlib
    from pathlib import Path

    from isollm.config import Config

STDIN = "-"  # as a PATH: read standard input


def project_root() -> Path:
    """The project the user is in (the current directory or one above it).

    Finding it also keeps the editor's schema copy current (a warning if it cannot be).
    """
    # The API (~0.4 ms to import): the hook, given paths, needs none of it.
    from isollm.config import find_project_root

    root = find_project_root(os.getcwd())
    warn(refresh_for_config(root / CONFIG_FILE_NAME))
    return root


def warn(warning: str | None) -> None:
    """Print a warning, if there is one, on stderr."""
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


def read_stdin() -> bytes:
    """Standard input, bounded as a config file is; ``ConfigError`` when it cannot be read."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise ConfigError("standard input is closed", path=STDIN_NAME)
    try:
        raw: bytes = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"cannot read standard input: {error.strerror}", path=STDIN_NAME) from None
    return within_limit(raw, STDIN_NAME, what="standard input")


def examine(path: str) -> Checked:
    """The config ``path`` names (``-``: standard input) read once and checked. The editor's
    schema copy beside a file is kept current from the same bytes."""
    name = STDIN_NAME if path == STDIN else path  # standard input has no name of its own
    try:
        raw = read_stdin() if path == STDIN else read_config_bytes(path)
    except ConfigError as error:
        return not_read(name, error)
    if path != STDIN:
        warn(refresh_for_config(path, raw))
    return check_config(raw, name)


def load_and_report(path: str) -> Config | None:
    """The config ``path`` names, its problems printed on stderr as ``validate`` prints them;
    None when it cannot be read at all. Commands that show a config print what they can."""
    from isollm.config import Config

    checked = examine(path)
    print_issues(checked.path, checked.errors, checked.warnings)
    return None if checked.data is None else Config(checked.data, path=checked.path, document=checked.document)


def print_issues(path: str, errors: Sequence[Issue], warnings: Sequence[Issue] = ()) -> None:
    """``PATH:LINE:COL: error: MESSAGE`` lines (and warnings) in file order, on stderr."""
    for line in text_lines(Checked(path, list(errors), list(warnings))):
        print(line, file=sys.stderr)


def ask(prompt: str) -> str | None:
    """One line from the terminal, or None at end of input (Ctrl-D)."""
    try:
        return input(prompt)
    except EOFError:
        print(file=sys.stderr)
        return None


def interactive() -> bool:
    """Whether a person can answer questions: stdin is a terminal."""
    return sys.stdin is not None and sys.stdin.isatty()
