"""``isollm state show|check|clean``: inspect and tidy the runtime state in ``.isollm/``."""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Sequence

from isollm.cli.commands._common import check_choice, display_path, print_issues, project_root
from isollm.errors import Issue, NoSessionError, StateError
from isollm.state import FileState, Session, WorkerState
from isollm.util.oneline import one_line

STATE_FORMATS = ("text", "json")


def _problem(error: Exception) -> tuple[str, list[Issue]]:
    """The file and the located issues of a state error (one plain issue if it has none)."""
    path = display_path(getattr(error, "path", "") or ".")
    issues = getattr(error, "issues", None)
    if issues:
        return path, list(issues)
    return path, [Issue(str(error), keyword="read")]


def _load_session(store: FileState) -> tuple[Session | None, Exception | None]:
    try:
        return store.load_session(), None
    except NoSessionError:
        return None, None
    except StateError as error:
        return None, error


def _session_state(store: FileState, session: Session | None, error: Exception | None) -> str:
    if error is not None:
        return "invalid"
    if session is None:
        return "none"
    try:
        return "live" if store.has_active_session() else "stale"
    except NoSessionError:
        return "none"  # removed since we read it


def _value(value: Any) -> str:
    return str(getattr(value, "value", value))


def _shown(path: str | os.PathLike[str]) -> str:
    """A path as the diagnostics show it: relative, escaped (a directory name can hold anything)."""
    return one_line(display_path(path), limit=4096)


def _when(value: Any) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else str(value or "")


def _session_line(state: str, session: Session | None) -> str:
    if session is None:
        return "Session: invalid (see the errors above)" if state == "invalid" else "Session: none"
    # What state files hold was written by another process (or planted): escaped before printing.
    details = f"pid {session.pid}, {one_line(_value(session.status))}, started {_when(session.started_at)}"
    if session.zellij_session:
        details += f", zellij session {one_line(session.zellij_session)}"
    if state == "stale":
        # Go's state.SaveSessionState records pid 0: no process, which the Go isollm counts as not running.
        gone = "no process was recorded" if session.pid <= 0 else "the process is gone"
        return f"Session: stale ({details}; {gone}): remove it with 'isollm state clean'"
    return f"Session: live ({details})"


def _task(worker: WorkerState) -> str:
    task = worker.current_task
    if task is None:
        return "-"
    return f"{task.id} {task.title}".strip()


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def _worker_lines(workers: Sequence[WorkerState]) -> list[str]:
    if not workers:
        return ["Workers: none"]
    rows = [("NAME", "STATUS", "TASK", "BRANCH", "LAST ACTIVITY")]
    for worker in sorted(workers, key=lambda w: w.name):
        status = _value(worker.status)
        if worker.last_error:
            status += f" ({worker.last_error})"
        rows.append((worker.name, status, _task(worker), worker.current_branch or "-",
                     _when(worker.last_activity)))
    return [f"Workers ({len(workers)}):", *_table([[one_line(cell) for cell in row] for row in rows])]


def show(output_format: str = "text") -> int:
    check_choice("--format", output_format, STATE_FORMATS)
    root = project_root()
    store = FileState.for_project(root)
    session, session_error = _load_session(store)
    state = _session_state(store, session, session_error)
    loaded = store.load_all_workers()
    errors = ([session_error] if session_error is not None else []) + list(loaded.errors)
    if output_format == "json":
        document = {
            "project_root": str(root),
            "session": {"state": state, **(session.to_dict() if session is not None else {})},
            "workers": [w.to_dict() for w in sorted(loaded.workers, key=lambda w: w.name)],
            "errors": [{"path": path, **issue.to_dict()} for path, issues in map(_problem, errors)
                       for issue in issues],
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    for error in errors:
        print_issues(*_problem(error))
    print(_session_line(state, session))
    for line in _worker_lines(loaded.workers):
        print(line)
    return 0


def check() -> int:
    store = FileState.for_project(project_root())
    session, session_error = _load_session(store)
    loaded = store.load_all_workers()
    errors = ([session_error] if session_error is not None else []) + list(loaded.errors)
    valid = ([store.session_path] if session is not None else []) + \
        [store.worker_path(w.name) for w in sorted(loaded.workers, key=lambda w: w.name)]
    for error in errors:
        print_issues(*_problem(error))
    for path in valid:
        print(f"{_shown(path)}: valid")
    if not errors and not valid:
        print(f"{_shown(store.state_dir)}: no state files")
    return 1 if errors else 0


def clean() -> int:
    store = FileState.for_project(project_root())
    shown = _shown(store.session_path)
    session, error = _load_session(store)
    if error is not None:
        print_issues(*_problem(error))
        print(f"error: {shown} is invalid, so whether its session is live cannot be told; "
              "check it and remove it by hand", file=sys.stderr)
        return 1
    if session is not None and store.has_active_session():
        print(f"error: the session is live (pid {session.pid}); stop it before cleaning", file=sys.stderr)
        return 1
    if session is None:
        print("No session to clean")
    else:
        store.clear_session()
        print(f"Removed stale session {shown} (pid {session.pid}, started {_when(session.started_at)})")
    # Writers killed mid-write leave their temporary files; an hour-old one has no writer left.
    swept = store.remove_stale_temp_files()
    if swept:
        print(f"Removed {len(swept)} temporary file(s) left by interrupted writes")
    return 0
