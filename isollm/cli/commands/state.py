"""``isollm state show|check|clean``: inspect and tidy the runtime state in ``.isollm/``:
the session, the workers and the task files of the Go isollm's worker manager."""

from __future__ import annotations

import os
from typing import Any, Sequence

from isollm.cli.report import print_issues, project_root
from isollm.errors import IsollmError, Issue, LeftOut, MAX_LISTED, NoSessionError, StateError, first_listed, \
    json_text, not_listed, one_line, printable_path
from isollm.state import FileState, Liveness, Session, TaskAssignment, WorkerState, session_liveness


def _problem(error: Exception) -> tuple[str, list[Issue]]:
    path = os.path.relpath(getattr(error, "path", "") or ".")
    return path, list(getattr(error, "issues", None) or [Issue(str(error), keyword="read")])


def _print_problems(errors: Sequence[Exception], state_dir: os.PathLike[str]) -> None:
    """The first ``MAX_LISTED`` problems across all the files, then a line counting the rest (as ``validate`` does)."""
    room, more = MAX_LISTED, 0
    for error in errors:
        path, issues = _problem(error)
        listed = first_listed(issues, room)
        more += not_listed(listed)
        listed = [issue for issue in listed if not isinstance(issue, LeftOut)]
        room -= len(listed)
        if listed:
            print_issues(path, listed)
    if more:
        print_issues(_shown(state_dir), [LeftOut(more)])


def _value(value: Any) -> str:
    return str(getattr(value, "value", value))


def _shown(path: str | os.PathLike[str]) -> str:
    return printable_path(os.path.relpath(path))


def _when(value: Any) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else str(value or "")


def _recorded(session: Session, *, unknown: bool = False) -> list[str]:
    """What the Go ``isollm up`` records about its session, in up's order, one ``  name: value`` line each."""
    fields: list[tuple[str, object]] = [
        ("project", session.project or None),
        ("workers", ", ".join(session.workers) if session.workers is not None else None),
        ("started", _when(session.started_at) if unknown else None),
        ("zellij session", (session.zellij_session or None) if unknown else None),
        ("airyra port", session.airyra_port), ("base branch", session.base_branch or None)]
    return [f"  {name}: {one_line(str(value))}" for name, value in fields if value is not None]


def _session_lines(state: str, session: Session | None) -> list[str]:
    if session is None:
        return ["Session: invalid (see the errors above)" if state == "invalid" else "Session: none"]
    if state == Liveness.UNKNOWN:
        # The file names no process: what it says, and how to remove it if it is over.
        zellij = session.zellij_session
        hint = f" ('zellij list-sessions' shows no {one_line(zellij)})" if zellij else ""
        return ["Session: liveness unknown: written by an isollm without a PID (isollm up's session file)",
                *_recorded(session, unknown=True),
                f"  If it no longer runs{hint}, remove it with 'isollm state clean --unknown-session'"]
    # What state files hold was written by another process (or planted): escaped before printing.
    details = f"pid {session.pid}, {one_line(_value(session.status))}, started {_when(session.started_at)}"
    if session.zellij_session:
        details += f", zellij session {one_line(session.zellij_session)}"
    if state == Liveness.STALE:
        # Go's state.SaveSessionState records pid 0: no process, which the Go isollm counts as not running.
        gone = "no process was recorded" if session.pid <= 0 else "the process is gone"
        head = f"Session: stale ({details}; {gone}): remove it with 'isollm state clean'"
    else:
        head = f"Session: live ({details})"
    return [head, *_recorded(session)]


def _table(title: str, rows: Sequence[Sequence[str]]) -> list[str]:
    """The title, then the rows in columns, escaped (state files are written by other processes)."""
    rows = [[one_line(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [title, *("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)]


def _worker_lines(workers: Sequence[WorkerState], session: Session | None) -> list[str]:
    if not workers:
        # isollm up keeps no worker files: the session's own list says which workers it started.
        return [] if session is not None and session.workers else ["Workers: none"]
    rows = [("NAME", "STATUS", "TASK", "BRANCH", "LAST ACTIVITY")]
    for worker in workers:  # sorted by name (_load)
        status = _value(worker.status)
        if worker.last_error:
            status += f" ({worker.last_error})"
        task = worker.current_task
        rows.append((worker.name, status, f"{task.id} {task.title}".strip() if task else "-",
                     worker.current_branch or "-", _when(worker.last_activity)))
    return _table(f"Workers ({len(workers)}):", rows)


def _task_lines(tasks: Sequence[TaskAssignment]) -> list[str]:
    if not tasks:
        return []
    rows = [("WORKER", "TASK", "BRANCH", "CLAIMED"),
            *((task.worker_name, task.task_id or "-", task.branch or "-", _when(task.claimed_at or "-"))
              for task in tasks)]  # sorted by worker (_load)
    return _table(f"Tasks ({len(tasks)}):", rows)


def _load(store: FileState) -> tuple[Session | None, str, list[WorkerState], list[TaskAssignment], list[Exception]]:
    """The session and its state (live, stale, unknown, none or invalid), workers, tasks and every error."""
    session: Session | None = None
    errors: list[Exception] = []
    try:
        session = store.load_session()
    except NoSessionError:
        pass
    except StateError as error:
        errors.append(error)
    state = "invalid" if errors else "none" if session is None else session_liveness(session).value
    workers, tasks = store.load_all_workers(), store.load_all_tasks()
    return (session, state, sorted(workers.workers, key=lambda w: w.name),
            sorted(tasks.tasks, key=lambda t: t.worker_name), [*errors, *workers.errors, *tasks.errors])


def show(output_format: str = "text") -> int:
    root = project_root()
    store = FileState.for_project(root)
    session, state, workers, tasks, errors = _load(store)
    if output_format == "json":
        # The session's current-version fields, and the version of the file when that was older.
        migrated = {"migrated_from": session.migrated_from} if session and session.migrated_from is not None else {}
        document = {
            "project_root": str(root),
            "session": {"state": state, **(session.to_dict() if session is not None else {}), **migrated},
            "workers": [w.to_dict() for w in workers],
            "tasks": [t.to_dict() for t in tasks],
            "errors": [{"path": path, **issue.to_dict()} for path, issues in map(_problem, errors)
                       for issue in issues],
        }
        print(json_text(document))
        return 0
    _print_problems(errors, store.state_dir)
    print("\n".join([*_session_lines(state, session), *_worker_lines(workers, session), *_task_lines(tasks)]))
    return 0


def check() -> int:
    store = FileState.for_project(project_root())
    session, _, workers, tasks, errors = _load(store)
    valid = ([store.session_path] if session is not None else []) + \
        [store.worker_path(w.name) for w in workers] + [store.task_path(t.worker_name) for t in tasks]
    _print_problems(errors, store.state_dir)
    for path in valid:
        print(f"{_shown(path)}: valid")
    if not errors and not valid:
        print(f"{_shown(store.state_dir)}: no state files")
    return 1 if errors else 0


def clean(unknown_session: bool = False) -> int:
    store = FileState.for_project(project_root())
    shown = _shown(store.session_path)
    judged: list[Liveness] = []

    def removable(session: Session) -> bool:
        judged.append(session_liveness(session))
        return judged[-1] is Liveness.STALE or (judged[-1] is Liveness.UNKNOWN and unknown_session)

    try:
        session, removed = store.remove_session_if(removable)
    except StateError as error:
        if judged:
            raise  # read and judged, then it could not be removed: the error says why
        print_issues(*_problem(error))
        raise IsollmError(f"{shown} is invalid, so whether its session is live cannot be told; "
                          "check it and remove it by hand") from None
    if session is None:
        print("No session to clean")
    elif not removed and judged[-1] is Liveness.LIVE:
        raise IsollmError(f"the session is live (pid {session.pid}); stop it before cleaning")
    elif not removed:
        raise IsollmError(f"{shown} was written by an isollm without a PID (isollm up), so whether its session "
                          "still runs cannot be told; if it does not, remove it with "
                          "'isollm state clean --unknown-session'")
    elif judged[-1] is Liveness.UNKNOWN:
        print(f"Removed session {shown} of unknown liveness (isollm up, started {_when(session.started_at)})")
    else:
        print(f"Removed stale session {shown} (pid {session.pid}, started {_when(session.started_at)})")
    # Writers killed mid-write leave their temporary files; an hour-old one has no writer left.
    swept = store.remove_stale_temp_files()
    if swept:
        print(f"Removed {len(swept)} temporary file(s) left by interrupted writes")
    return 0
