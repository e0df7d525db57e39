"""``isollm init``: create ``isollm.yaml``, ``.isollm/`` and the ``.gitignore`` entry."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from isollm.cli.report import ask, interactive
from isollm.check import misnamed
from isollm.config import CONFIG_FILE_NAME, STATE_DIR, Config, create_state_dir, default_config, save
from isollm.errors import Issue, IsollmError
from isollm.io.gitignore import ENTRY, GitignoreIsSymlinkError, ensure_ignored
from isollm.io.schema_copy import refresh as refresh_schema_copy
from isollm.names import MISNAMED_CONFIG, SCHEMA_COPY
from isollm.state import FileState

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,4000}", re.ASCII)
_FIELDS = (("project", "Project name"), ("workers", "Workers"), ("image", "Container image"))


def _typed(key: str, text: str) -> int | str:
    """For workers the int typed in ASCII digits, else the text (``0x10``, ``3.5``, ``٣``): the schema says
    what is wrong with it."""
    return int(text) if key == "workers" and _WHOLE_NUMBER.fullmatch(text) else text


def _field_issues(values: dict[str, Any], key: str) -> list[Issue]:
    return [i for i in Config(values).issues() if i.pointer.split("/")[1:2] == [key]]


def _prompt(values: dict[str, Any], given: dict[str, Any]) -> bool:
    """Ask for every value not given as a flag; False if the user gave up (end of input)."""
    for key, label in _FIELDS:
        if key in given:
            continue
        refused = _field_issues(values, key)
        default = None if refused else values[key]
        if refused:  # do not offer a default that would be refused; say why there is none
            source = f"the directory name {values[key]!r}" if key == "project" else repr(values[key])
            print(f"no default {label.lower()}: {source} cannot be one ({refused[0].message})", file=sys.stderr)
        while True:
            answer = ask(f"{label}{f' [{default}]' if default is not None else ''}: ")
            if answer is None:
                return False
            answer = answer.strip()
            if not answer and default is not None:
                break
            values[key] = _typed(key, answer)
            problems = _field_issues(values, key)
            if not problems:
                break
            for issue in problems:
                print(f"error: {issue.message}", file=sys.stderr)
    return True


def run(*, name: str | None = None, workers: str | None = None, image: str | None = None) -> int:
    root = Path.cwd().resolve()
    if os.path.lexists(root / CONFIG_FILE_NAME):  # anything of that name, a dangling link too
        raise IsollmError(f"{root / CONFIG_FILE_NAME} already exists; change it with 'isollm config edit'")
    other = root / MISNAMED_CONFIG
    if os.path.lexists(other):
        raise IsollmError(f"{other} exists: {misnamed(os.path.relpath(other))}; init does not create a second config")
    state_dir = FileState.for_project(root).state_dir  # refuses a planted symlink, as every state command does
    if state_dir.exists() and not state_dir.is_dir():
        raise IsollmError(f"{state_dir} exists and is not a directory; move it away first")
    defaults = default_config(root.name)
    values: dict[str, Any] = {"project": root.name, "workers": defaults.workers, "image": defaults.image}
    given = {key: _typed(key, value) for key, value in (("project", name), ("workers", workers), ("image", image))
             if value is not None}
    values.update(given)
    if interactive() and not _prompt(values, given):
        print("aborted: nothing written", file=sys.stderr)
        return 1
    config = Config(values)
    if issues := config.issues():
        for issue in issues:
            if issue.pointer == "/project" and "project" not in given:
                print(f"error: the directory name {root.name!r} is not a valid project name: "
                      f"{issue.message}; choose one with --name NAME", file=sys.stderr)
            else:
                print(f"error: {issue.message}", file=sys.stderr)
        print("nothing written", file=sys.stderr)
        return 1
    try:
        # Created, never replaced: a config that appeared during the prompts (a `git pull`) stays as it is.
        path = save(root, config, exclusive=True)
    except FileExistsError:
        raise IsollmError(f"{root / CONFIG_FILE_NAME} appeared while init was running; it was left as it is "
                          "(nothing written)") from None
    # Every file first, then what is said: output nobody can take must not leave a project half made.
    create_state_dir(root)
    ignored = ""
    try:
        if ensure_ignored(root):
            ignored = f"Added {ENTRY} to .gitignore"
    except GitignoreIsSymlinkError:
        ignored = (f"warning: .gitignore is a symbolic link, which git does not follow; left unchanged "
                   f"(add {ENTRY} to a regular .gitignore yourself)")
    except OSError as error:
        ignored = f"warning: could not update .gitignore: {error.strerror or error}"
    not_copied = refresh_schema_copy(root)
    print(f"Created {path.name} for project {config.project!r} "
          f"({config.workers} workers, image {config.image})")
    for warning in config.warnings():
        print(f"warning: {warning}", file=sys.stderr)
    print(f"Created {STATE_DIR}/ for runtime state")
    if ignored:
        print(ignored, file=sys.stderr if ignored.startswith("warning:") else sys.stdout)
    if not_copied:
        print(not_copied, file=sys.stderr)
    else:
        print(f"Created {SCHEMA_COPY}, the schema editors read (offline) for {CONFIG_FILE_NAME}; "
              f"it is not committed: after cloning, run 'isollm validate' once to write it")
    print("Next: 'isollm validate' checks it, 'isollm config edit' changes it")
    return 0
