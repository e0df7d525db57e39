"""The plan's State tests, run against the file store and the in-memory one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from isollm.errors import IsollmError, ValidationError
from isollm.state import (
    CURRENT_SESSION_VERSION,
    CURRENT_WORKER_VERSION,
    FileState,
    MemoryState,
    NoSessionError,
    SessionExistsError,
    State,
    StateError,
    WorkerNotFoundError,
    WorkerStatus,
)
from tests.state_helpers import dead_pid, session, worker


@pytest.fixture(params=["file", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    return FileState(tmp_path / ".isollm") if request.param == "file" else MemoryState()


def test_both_implementations_satisfy_the_protocol(tmp_path: Path) -> None:
    assert isinstance(FileState(tmp_path), State)
    assert isinstance(MemoryState(), State)


def test_for_project_uses_the_dot_isollm_directory(tmp_path: Path) -> None:
    assert FileState.for_project(tmp_path).state_dir == tmp_path / ".isollm"


def test_create_session(store: Any) -> None:
    created = session(os.getpid(), version=0)
    store.create_session(created)
    assert created.version == CURRENT_SESSION_VERSION
    assert store.load_session() == created


def test_create_session_writes_the_plan_json(tmp_path: Path) -> None:
    store = FileState(tmp_path)
    store.create_session(session(os.getpid()))
    data = json.loads((tmp_path / "session.json").read_text())
    assert list(data)[:7] == ["version", "status", "started_at", "pid", "project_root", "bare_repo_path",
                              "zellij_session"]
    assert data["started_at"] == "2025-01-15T10:30:00Z"
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]


def test_create_session_already_exists(store: Any) -> None:
    store.create_session(session(os.getpid()))
    with pytest.raises(SessionExistsError) as caught:
        store.create_session(session(os.getpid(), zellij_session="other"))
    assert isinstance(caught.value, StateError) and isinstance(caught.value, IsollmError)
    assert store.load_session().zellij_session == "isollm-app"


def test_create_over_a_stale_session_names_the_file_and_the_way_out(isollm, tmp_path: Path) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\n")
    store = FileState(tmp_path / ".isollm")
    store.create_session(session(dead_pid()))  # an orchestrator that died without clearing it
    with pytest.raises(SessionExistsError) as caught:
        store.create_session(session(os.getpid()))
    assert str(caught.value) == (f"session already exists: {tmp_path / '.isollm' / 'session.json'} (if its "
                                 "orchestrator is not running, 'isollm state clean' removes it)")
    # The way out it names works.
    assert isollm("state", "clean", cwd=tmp_path).returncode == 0
    store.create_session(session(os.getpid()))


def test_save_load_session(store: Any) -> None:
    first = session(os.getpid())
    store.create_session(first)
    first.status = "shutting_down"
    store.save_session(first)
    loaded = store.load_session()
    assert loaded == first and loaded.status == "shutting_down"


def test_load_session_not_found(store: Any) -> None:
    with pytest.raises(NoSessionError, match="no active session"):
        store.load_session()


def test_clear_session(store: Any) -> None:
    store.create_session(session(os.getpid()))
    store.clear_session()
    with pytest.raises(NoSessionError):
        store.load_session()
    store.clear_session()  # already gone is fine
    store.create_session(session(os.getpid()))


def test_has_active_session_no_session(store: Any) -> None:
    assert store.has_active_session() is False


def test_has_active_session_stale_session(store: Any) -> None:
    store.create_session(session(dead_pid()))
    assert store.has_active_session() is False


def test_has_active_session_live_session(store: Any) -> None:
    store.create_session(session(os.getpid()))
    assert store.has_active_session() is True


def test_live_session_records_process_identity(tmp_path: Path) -> None:
    store = FileState(tmp_path)
    store.create_session(session(os.getpid()))
    data = json.loads((tmp_path / "session.json").read_text())
    assert isinstance(data["pid_start_time"], int) and len(data["boot_id"]) == 36


@pytest.mark.parametrize("change, active", [
    ({}, True),
    ({"pid_start_time": 1}, False),  # the PID now names a process that started at another time
    ({"boot_id": "00000000-0000-0000-0000-000000000000"}, False),  # recorded before a reboot
    ({"pid_start_time": None, "boot_id": None}, True),  # a Go session: judged by the PID alone
])
def test_has_active_session_detects_pid_reuse(tmp_path: Path, change: dict[str, Any], active: bool) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        store = FileState(tmp_path)
        store.create_session(session(other.pid))
        path = tmp_path / "session.json"
        data = json.loads(path.read_text())
        for key, value in change.items():
            if value is None:
                data.pop(key)
            else:
                data[key] = value
        path.write_text(json.dumps(data))
        assert store.has_active_session() is active
    finally:
        other.kill()
        other.wait()


def test_save_session_of_another_pid_does_not_stamp_it(tmp_path: Path) -> None:
    """A Go session re-saved later must not take the identity of whatever holds its PID now."""
    store = FileState(tmp_path)
    store.save_session(session(1))
    assert "pid_start_time" not in json.loads((tmp_path / "session.json").read_text())


def test_save_load_worker(store: Any) -> None:
    saved = worker(version=0)
    store.save_worker(saved)
    assert saved.version == CURRENT_WORKER_VERSION
    assert store.load_worker("worker-1") == saved
    saved.status = WorkerStatus.IDLE
    saved.current_task = None
    store.save_worker(saved)
    assert store.load_worker("worker-1") == saved


def test_load_worker_not_found(store: Any) -> None:
    with pytest.raises(WorkerNotFoundError, match="worker worker-9 not found"):
        store.load_worker("worker-9")


def test_load_all_workers(store: Any) -> None:
    assert store.load_all_workers().workers == []
    for name in ("worker-3", "worker-1", "worker-2"):
        store.save_worker(worker(name))
    result = store.load_all_workers()
    assert [w.name for w in result.workers] == ["worker-1", "worker-2", "worker-3"]
    assert result.errors == []


def test_load_all_workers_partial_failure(tmp_path: Path) -> None:
    store = FileState(tmp_path)
    store.save_worker(worker("worker-1"))
    store.save_worker(worker("worker-3"))
    broken = tmp_path / "workers" / "worker-2.json"
    broken.write_text('{"version": 1, "name": "worker-2",')
    (tmp_path / "workers" / "bad name.json").write_text("{}")
    (tmp_path / "workers" / ".worker-1.json.abc.tmp").write_text("")  # a write in progress
    (tmp_path / "workers" / "notes.txt").write_text("not state")
    result = store.load_all_workers()
    assert [w.name for w in result.workers] == ["worker-1", "worker-3"]
    assert [Path(e.path).name for e in result.errors] == ["bad name.json", "worker-2.json"]
    assert all(isinstance(e, StateError) for e in result.errors)
    assert str(broken) in str(result.errors[1]) and "not valid JSON" in str(result.errors[1])


def test_delete_worker(store: Any) -> None:
    store.save_worker(worker("worker-1"))
    store.save_worker(worker("worker-2"))
    store.delete_worker("worker-1")
    store.delete_worker("worker-1")  # already gone is fine
    assert [w.name for w in store.load_all_workers().workers] == ["worker-2"]


def test_clear_all_workers(store: Any) -> None:
    for name in ("a", "b", "c"):
        store.save_worker(worker(name))
    store.clear_all_workers()
    assert store.load_all_workers().workers == []
    store.save_worker(worker("d"))
    assert [w.name for w in store.load_all_workers().workers] == ["d"]


def test_clear_all_workers_without_a_directory(tmp_path: Path) -> None:
    FileState(tmp_path / "none").clear_all_workers()


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = FileState(tmp_path)
    for i in range(20):
        store.save_worker(worker("worker-1", last_error=f"attempt {i}"))
        store.save_session(session(os.getpid(), zellij_session=f"z{i}"))
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["session.json", "worker-1.json", "workers"]
    assert store.load_worker("worker-1").last_error == "attempt 19"


def test_create_session_without_hard_links_creates_it_exclusively(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system without hard links: created with O_EXCL, complete, no temporary file left."""
    import errno

    def no_links(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    store = FileState(tmp_path)
    store.create_session(session(os.getpid()))
    with pytest.raises(SessionExistsError):
        store.create_session(session(os.getpid()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.json"]
    assert (tmp_path / "session.json").stat().st_mode & 0o777 == 0o644
    assert store.load_session().pid == os.getpid()


@pytest.mark.parametrize("change, message", [
    ({"status": "sleepy"}, "status must be one of: creating, idle, busy, stopping, stopped, error"),
    ({"name": "../escape"}, 'worker name "../escape" must start with a letter or digit'),
    ({"started_at": "yesterday"}, "started_at is not an RFC 3339 timestamp"),
    ({"container_id": 7}, "container_id must be a string"),
])
def test_invalid_worker_is_never_written(store: Any, tmp_path: Path, change: dict[str, Any], message: str) -> None:
    store.save_worker(worker("worker-1"))
    bad = worker("worker-1")
    for key, value in change.items():
        setattr(bad, key, value)
    with pytest.raises(ValidationError) as caught:
        store.save_worker(bad)
    assert message in str(caught.value)
    assert caught.value.title in ("invalid worker state", "invalid worker name")
    assert store.load_worker("worker-1") == worker("worker-1")
    assert not (tmp_path / "escape.json").exists()


@pytest.mark.parametrize("change, message", [
    ({"status": "done"}, "status must be one of: initializing, running, shutting_down"),
    ({"pid": -1}, "pid must be at least 0"),
    ({"project_root": 5}, "project_root must be a string"),
])
def test_invalid_session_is_never_written(store: Any, change: dict[str, Any], message: str) -> None:
    bad = session(os.getpid())
    for key, value in change.items():
        setattr(bad, key, value)
    with pytest.raises(ValidationError, match="invalid session") as caught:
        store.create_session(bad)
    assert message in str(caught.value)
    with pytest.raises(NoSessionError):
        store.load_session()
