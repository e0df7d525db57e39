"""``isollm config edit``: edit a copy, install it only when valid (as ``visudo`` does).

The editor works on a copy, ``.isollm/edit-XXXX/isollm.yaml``: it keeps the
name editors associate with the schema, and a copy of the schema beside it
(``.isollm/edit-XXXX/.isollm/isollm.schema.json``) serves the modeline ``init``
writes, which is relative to the file. A valid result
replaces the config atomically, byte for byte as the user wrote it (never
re-rendered, so comments and layout survive); an invalid one is reported and
the user may edit again or abort. ``isollm.yaml`` is never left invalid or
half-written, nor overwritten when it changed on disk during the edit; the
copy's directory is removed however the command ends, and a rejected edit is
saved in the temporary directory rather than lost.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from isollm.io.atomic import atomic_write
from isollm.cli.commands._common import ask, display_path, interactive, print_issues, project_root
from isollm.config import CONFIG_FILE_NAME, STATE_DIR, read_config_bytes
from isollm.errors import ConfigError, IsollmError
from isollm.cli.report import check_config_bytes
from isollm.io.schema_copy import refresh as refresh_schema_copy_in

DEFAULT_EDITOR = "vi"


def editor_command() -> list[str]:
    """``$VISUAL``, else ``$EDITOR``, else vi, split as a shell would split it (never run by one)."""
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "")
        if value.strip():
            try:
                words = shlex.split(value)
            except ValueError as error:
                raise IsollmError(f"cannot understand ${variable} ({value!r}): {error}") from None
            return words
    return [DEFAULT_EDITOR]


def _run_editor(command: list[str], path: str) -> None:
    try:
        status = subprocess.call([*command, path])
    except FileNotFoundError:
        raise IsollmError(f"editor not found: {command[0]} (set $VISUAL or $EDITOR); "
                          f"{CONFIG_FILE_NAME} left unchanged") from None
    except PermissionError:
        raise IsollmError(f"editor cannot be run (permission denied): {command[0]}; "
                          f"{CONFIG_FILE_NAME} left unchanged") from None
    if status < 0:
        raise IsollmError(f"editor {command[0]} was killed by {signal.Signals(-status).name}; "
                          f"{CONFIG_FILE_NAME} left unchanged")
    if status != 0:
        raise IsollmError(f"editor {command[0]} exited with status {status}; "
                          f"{CONFIG_FILE_NAME} left unchanged")


def _read_copy(name: str) -> bytes:
    try:
        return read_config_bytes(name)
    except ConfigError as error:
        raise IsollmError(f"cannot read the edited copy: {error}; {CONFIG_FILE_NAME} left unchanged") from None


def _keep(edited: bytes) -> str:
    """Save a rejected edit where the user can find it (kubectl edit does the same)."""
    fd, name = tempfile.mkstemp(prefix="isollm-edit-", suffix=".yaml")
    with os.fdopen(fd, "wb") as handle:
        handle.write(edited)
    return name


def _edit_directory(root: Path) -> str:
    """A new private directory for the copy: ``.isollm/edit-XXXX/``, with the schema copy in it."""
    state_dir = root / STATE_DIR
    if state_dir.is_symlink():
        raise IsollmError(f"{display_path(state_dir)} is a symbolic link; refusing to edit through it; "
                          f"{CONFIG_FILE_NAME} left unchanged")
    try:
        state_dir.mkdir(exist_ok=True)
        edit_dir = tempfile.mkdtemp(dir=state_dir, prefix="edit-")
    except OSError as error:
        raise IsollmError(f"cannot make a directory for the copy in {display_path(state_dir)}: "
                          f"{error.strerror or error}; {CONFIG_FILE_NAME} left unchanged") from None
    warning = refresh_schema_copy_in(edit_dir)
    if warning:
        print(warning, file=sys.stderr)
    return edit_dir


def _unchanged_since(target: Path, original: bytes) -> bool:
    try:
        return read_config_bytes(target) == original
    except ConfigError:
        return False


def _again() -> bool:
    """Ask whether to edit again; only a person at a terminal can say yes."""
    if not interactive():
        return False
    while True:
        answer = ask("(e)dit again or (a)bort? [e] ")
        if answer is None:
            return False
        choice = answer.strip().lower()
        if choice in ("", "e", "edit", "y", "yes"):
            return True
        if choice in ("a", "abort", "q", "quit", "n", "no"):
            return False


def run() -> int:
    target = project_root() / CONFIG_FILE_NAME
    shown = display_path(target)
    command = editor_command()
    original = read_config_bytes(target)  # a FIFO or a huge file is refused, not waited on
    mode = target.stat().st_mode & 0o7777
    edit_dir = _edit_directory(target.parent)
    copy_name = os.path.join(edit_dir, CONFIG_FILE_NAME)
    try:
        with open(copy_name, "xb") as handle:
            handle.write(original)
        while True:
            _run_editor(command, copy_name)
            edited = _read_copy(copy_name)
            if edited == original:
                print(f"No changes made to {shown}")
                return 0
            report = check_config_bytes(edited, shown)
            print_issues(shown, report.errors, report.warnings)
            if report.valid:
                break
            print(f"{shown}: the edited config is invalid", file=sys.stderr)
            if not _again():
                print(f"aborted: {shown} left unchanged; your edit is saved in {_keep(edited)}", file=sys.stderr)
                return 1
        # Something else (a teammate's pull, another editor) may have written the file meanwhile.
        if not _unchanged_since(target, original):
            raise IsollmError(f"{shown} changed on disk while you were editing; it was left as it is "
                              f"and your edit is saved in {_keep(edited)}")
        atomic_write(target, edited, mode=mode)
    finally:
        shutil.rmtree(edit_dir, ignore_errors=True)  # with whatever the editor left there (swap files)
    print(f"Configuration saved and validated: {shown}")
    return 0
