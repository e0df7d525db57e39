"""Shared builders for the state tests."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from isollm.state import Session, SessionStatus, TaskRef, WorkerState, WorkerStatus

EXAMPLES = Path(__file__).resolve().parent / "examples" / "state"
T0 = datetime(2025, 1, 15, 10, 30, tzinfo=timezone.utc)


def session(pid: int, **fields: object) -> Session:
    values: dict[str, object] = dict(status=SessionStatus.RUNNING, pid=pid, project_root="/home/dev/app",
                                     started_at=T0, bare_repo_path="/home/dev/app/.isollm/repo.git",
                                     zellij_session="isollm-app")
    values.update(fields)
    return Session(**values)  # type: ignore[arg-type]


def worker(name: str = "worker-1", **fields: object) -> WorkerState:
    values: dict[str, object] = dict(name=name, status=WorkerStatus.BUSY, container_id=f"c-{name}", ip="10.0.3.2",
                                     current_task=TaskRef(id="t-1", title="Fix it", claimed_at=T0),
                                     current_branch=f"isollm/{name}", started_at=T0, last_activity=T0)
    values.update(fields)
    return WorkerState(**values)  # type: ignore[arg-type]


def dead_pid() -> int:
    """The PID of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid
