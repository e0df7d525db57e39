"""``isollm config show``, ``get KEY``, ``set KEY VALUE``, ``unset KEY`` and ``edit``: keys are dotted
(``git.base_branch``), checked against the schema; changes go through ``isollm.config.edit``, the one edit path.

``edit`` edits a copy and installs it only when valid (as ``visudo`` does). The copy,
``.isollm/edit-XXXX/isollm.yaml``, keeps the name editors associate with the schema, with a schema copy
beside it for the modeline ``init`` writes. An invalid edit may be edited again, its errors at the top as
comments (as ``kubectl edit`` does). An edit is never lost: Ctrl-C and Ctrl-\\ are the editor's alone while
it runs (as git and visudo do), and a rejected, interrupted or unwritable edit is saved and named. A
symbolic link's target is replaced and the link stays.
"""

from __future__ import annotations

import contextlib
import math
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator

from isollm.check import check_config, read_config, read_config_bytes
from isollm.cli.report import STDIN, STDIN_NAME, ask, config_path_argument, interactive, load_and_report, \
    print_issues, project_root, warn
from isollm.config import CONFIG_FILE_NAME, STATE_DIR, edit, write_target
from isollm.errors import ConfigError, IsollmError, Issue, ValidationError, YamlError, json_text, one_line, \
    printable_path, printable_text
from isollm.io.atomic import atomic_write
from isollm.io.schema_copy import refresh as refresh_schema_copy_in
from isollm.io.yamlio import copy_data, dump_yaml, parse_yaml
from isollm.schema import pointer as pointers
from isollm.schema.loader import load_schema, schema_types
from isollm.schema.messages import closest, schema_message


def show(path: str | None = None, output_format: str = "yaml") -> int:
    path = config_path_argument(path)
    config = load_and_report(path)  # keeps the editor's schema copy beside the config current
    if config is None:
        return 1
    resolved = config.to_dict()
    if output_format == "json":
        print(json_text(copy_data(resolved, _json_safe)))
        return 0
    # The path is escaped: a line break in it would end the comment and break the YAML.
    header = STDIN_NAME if path == STDIN else printable_path(os.path.abspath(path))
    sys.stdout.write(f"# Configuration: {header}\n# (defaults applied for missing values)\n\n")
    sys.stdout.write(dump_yaml(resolved))
    return 0


def _json_safe(value: Any) -> Any:
    """.inf and .nan (valid YAML, not JSON) as the YAML text."""
    if isinstance(value, float) and not math.isfinite(value):
        return dump_yaml(value).split("\n")[0]
    return value


def resolve_key(key: str) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The parts of a dotted key and its subschema; ``IsollmError`` (with a suggestion) if unknown."""
    schema = load_schema("config")
    parts = tuple(key.split("."))
    node: dict[str, Any] = schema
    for part in parts:
        child = node.get("properties", {}).get(part)
        if not isinstance(child, dict):
            from isollm.docgen import schema_keys  # the reference page's walk: the keys as people write them

            close = closest(key, [".".join(names) for names, _, _ in schema_keys(schema)])
            case = "additionalProperties" if close is None else "additionalProperties.suggestion"
            raise IsollmError(one_line(schema_message(schema, case, location=pointers.join(parts), suggestion=close)))
        node = child
    return parts, node


def parse_value(key: str, text: str, schema: dict[str, Any]) -> Any:
    """The value the user meant by ``text`` for a key described by ``schema``: for a string key the
    text as typed (``'run #1'`` keeps the ``#``) or the one quoted YAML scalar it is; else the text
    read as YAML, refused when YAML would store something other than what was typed (``07`` as 7)."""
    if set(schema_types(schema)) - {"null"} == {"string"}:  # null: "left empty", never typed here
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
            with contextlib.suppress(YamlError):
                value = parse_yaml(text).data
                return value if isinstance(value, str) else text
        return text
    try:
        value = parse_yaml(text).data
    except YamlError as error:
        raise IsollmError(one_line(f"invalid value for {key}: {error.message}")) from None
    from isollm.io.yaml_edit import scalar_text

    if value is None:
        raise IsollmError(one_line(f"invalid value for {key}: {text.strip()} reads as null, not written; "
                                   f"to remove {key}, run 'isollm config unset {key}'"))
    if not isinstance(value, (str, dict, list)) and scalar_text(value) != text.strip():
        raise IsollmError(one_line(f"invalid value for {key}: {text.strip()} would be stored as "
                                   f"{scalar_text(value)}; type that if it is what you mean"))
    return value


def get_value(key: str, directory: str | None = None) -> int:
    from isollm.io.yaml_edit import scalar_text

    parts, _ = resolve_key(key)
    config = load_and_report(config_path_argument(directory))  # keeps the editor's schema copy current
    if config is None:
        return 1
    value = pointers.resolve(config.to_dict(), pointers.join(parts))
    if isinstance(value, str):
        # Escaped as config show's YAML escapes it: a value can hold terminal escapes and bidi controls.
        value = printable_text(value)
        sys.stdout.write(value if value.endswith("\n") else value + "\n")
    elif isinstance(value, (dict, list)):
        sys.stdout.write(dump_yaml(value))
    elif value is not None and value is not pointers.MISSING:
        print(scalar_text(value))  # as YAML writes it: true, .nan
    return 0


def _edit(change: tuple[tuple[str, ...], Any], unknown: IsollmError | None = None) -> int:
    """Make ``change`` through ``isollm.config.edit``; print the problems the file still has.
    ``unknown``: the error for a key the schema does not know, raised unless the file has it."""
    from isollm.io.yaml_edit import lookup

    path = project_root() / CONFIG_FILE_NAME
    shown = os.path.relpath(path)
    try:
        raw = read_config_bytes(path)
        written = read_config(raw, shown).data
    except ConfigError as error:  # not a config: nothing to change
        print_issues(shown, error.issues)
        return 1
    if unknown is not None and lookup(written, change[0])[0] < len(change[0]):
        raise unknown
    try:
        remaining = edit(shown, [change], original=raw)
    except ValidationError as error:  # what the change would break
        print_issues(shown, error.issues)
        return 1
    print_issues(shown, remaining)  # located in the file as it is now
    return 0


def set_value(key: str, value: str) -> int:
    parts, schema = resolve_key(key)
    if value.strip() == "":
        # Empty would read as null, "not written": say what the user means instead.
        raise IsollmError(f"no value given for {key}; to remove it, run 'isollm config unset {key}'")
    return _edit((parts, parse_value(key, value, schema)))


def unset_value(key: str) -> int:
    """Remove ``key`` (one the schema does not know too, a misspelt ``wokers``); a required key is refused."""
    from isollm.io.yaml_edit import UNSET

    try:
        parts, _ = resolve_key(key)
    except IsollmError as error:
        return _edit((tuple(key.split(".")), UNSET), unknown=error)
    parent = pointers.subschema(load_schema("config"), pointers.join(parts[:-1]))
    if parts[-1] in parent.get("required", []):
        raise IsollmError(f"{key} is required and cannot be unset")
    return _edit((parts, UNSET))


# The first and last lines of the notes an edit reopened after errors starts with.
NOTES_START = b"# isollm config edit: not saved, because of the errors below. Fix them, save and quit.\n"
NOTES_END = b"# (isollm removes these lines, down to this one, before it checks and saves the file.)\n"


def with_notes(edited: bytes, shown: str, errors: list[Issue]) -> bytes:
    """``edited`` headed by its ``errors`` as comments, located at the lines the editor shows."""
    offset = 2 + len(errors)  # the notes' own lines
    lines = []
    for issue in errors:
        where = f":{issue.line + offset}:{issue.column}" if issue.line is not None and issue.column is not None else ""
        lines.append(f"#   {shown}{where}: error: {one_line(issue.message)}\n".encode("utf-8", "backslashreplace"))
    return NOTES_START + b"".join(lines) + NOTES_END + edited


def without_notes(edited: bytes) -> bytes:
    """``edited`` without the notes ``with_notes`` put at its top, changed or not (first line to last)."""
    if not edited.startswith(NOTES_START):
        return edited
    end = edited.find(b"\n" + NOTES_END)
    return edited if end < 0 else edited[end + 1 + len(NOTES_END):]


def editor_command() -> list[str]:
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "")
        if value.strip():
            try:
                return shlex.split(value)
            except ValueError as error:
                raise IsollmError(f"cannot understand ${variable} ({value!r}): {error}") from None
    return ["vi"]


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


@contextlib.contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """Ignore Ctrl-C and Ctrl-\\ in isollm while the editor runs (it gets them too) or an edit is saved.

    A handler that does nothing, not ``SIG_IGN``: exec resets a caught signal to its default but
    keeps an ignored one, so the editor starts with its usual handling.
    """
    previous: dict[int, Any] = {}
    for name in ("SIGINT", "SIGQUIT"):
        number = getattr(signal, name, None)
        if number is None or signal.getsignal(number) is signal.SIG_IGN:
            continue  # ignored already (nohup, a background job): the editor inherits that
        try:
            handler = signal.signal(number, lambda number, frame: None)
        except ValueError:  # not the main thread: signals go to the main thread anyway
            continue
        previous[number] = signal.SIG_DFL if handler is None else handler
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _run_editor(command: list[str], path: str) -> None:
    try:
        with _interrupts_ignored():
            status = subprocess.call([*command, path])
    except FileNotFoundError:
        problem = f"editor not found: {command[0]} (set $VISUAL or $EDITOR)"
    except PermissionError:
        problem = f"editor cannot be run (permission denied): {command[0]}"
    else:
        if status == 0:
            return
        problem = (f"editor {command[0]} was killed by {_signal_name(-status)}" if status < 0 else
                   f"editor {command[0]} exited with status {status}")
    raise IsollmError(f"{problem}; {CONFIG_FILE_NAME} left unchanged")


def _again() -> bool:
    while interactive() and (answer := ask("(e)dit again or (a)bort? [e] ")) is not None:
        choice = answer.strip().lower()
        if choice in ("", "e", "edit", "y", "yes"):
            return True
        if choice in ("a", "abort", "q", "quit", "n", "no"):
            return False
    return False


def _save_elsewhere(edited: bytes) -> str:
    fd, name = tempfile.mkstemp(prefix="isollm-edit-", suffix=".yaml")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(edited)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return name


class _Edit:
    """The copy the editor works on, in a new private ``.isollm/edit-XXXX/``, and an edit not installed."""

    def __init__(self, root: Path, original: bytes) -> None:
        state_dir = root / STATE_DIR
        if state_dir.is_symlink():
            raise IsollmError(f"{os.path.relpath(state_dir)} is a symbolic link; refusing to edit through it; "
                              f"{CONFIG_FILE_NAME} left unchanged")
        self._made_state_dir = not state_dir.exists()
        try:
            state_dir.mkdir(exist_ok=True)
            self.directory = tempfile.mkdtemp(dir=state_dir, prefix="edit-")
        except OSError as error:
            raise IsollmError(f"cannot make a directory for the copy in {os.path.relpath(state_dir)}: "
                              f"{error.strerror or error}; {CONFIG_FILE_NAME} left unchanged") from None
        warn(refresh_schema_copy_in(self.directory))
        self.copy = os.path.join(self.directory, CONFIG_FILE_NAME)
        self.kept = False
        try:
            with open(self.copy, "xb") as handle:
                handle.write(original)
        except BaseException:
            self.remove()
            raise

    def keep(self, edited: bytes) -> str:
        """Where ``edited`` is saved for the user (as kubectl edit does): a temporary file, else the copy."""
        try:
            return _save_elsewhere(edited)
        except OSError:
            self.kept = True
            return self.copy

    def remove(self) -> None:
        if self.kept:
            return
        shutil.rmtree(self.directory, ignore_errors=True)  # with whatever the editor left there (swap files)
        if self._made_state_dir:  # made for the edit alone: leave no trace, unless something else lives there now
            with contextlib.suppress(OSError):
                os.rmdir(os.path.dirname(self.directory))


def edit_file() -> int:
    link = project_root() / CONFIG_FILE_NAME
    shown = os.path.relpath(link)
    command = editor_command()
    target = write_target(link)
    original = read_config_bytes(target)  # a FIFO or a huge file is refused, not waited on
    if target != link:
        print(f"{shown} is a symbolic link; editing its target {target}")
    draft = _Edit(link.parent, original)
    edited = original
    try:
        while True:
            _run_editor(command, draft.copy)
            try:
                edited = without_notes(read_config_bytes(draft.copy))
            except ConfigError as error:
                raise IsollmError(f"cannot read the edited copy: {error}; {CONFIG_FILE_NAME} left unchanged") from None
            if edited == original:
                print(f"No changes made to {shown}")
                return 0
            report = check_config(edited, shown)
            print_issues(shown, report.errors, report.warnings)
            if report.valid:
                break
            print(f"{shown}: the edited config is invalid", file=sys.stderr)
            if not _again():
                print(f"aborted: {shown} left unchanged; your edit is saved in {draft.keep(edited)}",
                      file=sys.stderr)
                return 1
            with contextlib.suppress(OSError):
                atomic_write(draft.copy, with_notes(edited, shown, report.errors), durable=False)
        # Something else (a teammate's pull, another editor) may have written the file meanwhile.
        try:
            edit(link, edited, original=original, read_from=target, strict=True)  # the one edit path
        except (ConfigError, OSError) as error:
            why = (f"{shown} changed on disk while you were editing" if isinstance(error, ConfigError)
                   else f"cannot write {shown}: {error.strerror or error}")
            raise IsollmError(f"{why}; it was left as it is and your edit is saved in {draft.keep(edited)}") from None
    except KeyboardInterrupt:
        if edited != original:
            with _interrupts_ignored():  # a second, impatient Ctrl-C must not lose the edit either
                print(f"{shown} left unchanged; your edit is saved in {draft.keep(edited)}", file=sys.stderr)
        raise
    finally:
        draft.remove()
    print(f"Configuration saved and validated: {shown}")
    return 0
