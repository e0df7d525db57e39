"""``isollm state show|check|clean`` over real state files, written as the Go isollm writes them."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

WHEN = "2026-01-02T03:04:05Z"
ZERO = "0001-01-01T00:00:00Z"


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _session(pid: int) -> dict[str, object]:
    return {"version": 1, "status": "running", "started_at": WHEN, "pid": pid, "project_root": "/srv/demo",
            "bare_repo_path": "/srv/demo/.isollm/repo.git", "zellij_session": "isollm-demo"}


def _worker(name: str, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {"version": 1, "name": name, "status": "idle", "started_at": WHEN,
                                 "last_activity": WHEN, "error_time": ZERO}
    record.update(fields)
    return record


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "sub" / "dir").mkdir(parents=True)
    (root / "isollm.yaml").write_text("project: demo\n")
    return root


def _write(project: Path, relative: str, data: object) -> Path:
    path = project / ".isollm" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return path


@pytest.fixture
def workers(project: Path) -> Path:
    _write(project, "workers/worker-1.json", _worker(
        "worker-1", status="busy", current_branch="isollm/worker-1",
        current_task={"id": "T-12", "title": "Fix the parser", "claimed_at": WHEN}))
    _write(project, "workers/worker-2.json", _worker("worker-2"))
    return project


def _clean(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.stdout + result.stderr


def test_show_without_state(isollm, project: Path) -> None:
    result = isollm("state", "show", cwd=project)
    _clean(result)
    assert result.returncode == 0
    assert result.stdout == "Session: none\nWorkers: none\n"


def test_show_live_session_and_workers_table(isollm, workers: Path) -> None:
    _write(workers, "session.json", _session(os.getpid()))
    result = isollm("state", "show", cwd=workers / "sub" / "dir")
    _clean(result)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Session: live (pid {os.getpid()}, running, started 2026-01-02T03:04:05")
    assert "isollm-demo" in lines[0]
    assert lines[1] == "Workers (2):"
    assert lines[2].split() == ["NAME", "STATUS", "TASK", "BRANCH", "LAST", "ACTIVITY"]
    assert lines[3].split()[:6] == ["worker-1", "busy", "T-12", "Fix", "the", "parser"]
    assert "isollm/worker-1" in lines[3]
    assert lines[4].split()[:4] == ["worker-2", "idle", "-", "-"]
    assert result.stderr == ""


def test_show_stale_session(isollm, project: Path) -> None:
    _write(project, "session.json", _session(_dead_pid()))
    result = isollm("state", "show", cwd=project)
    assert result.returncode == 0
    assert result.stdout.startswith("Session: stale (")
    assert "isollm state clean" in result.stdout


def test_show_reports_invalid_files_and_still_shows_the_rest(isollm, workers: Path) -> None:
    _write(workers, "workers/worker-3.json", _worker("worker-3", status="dancing"))
    _write(workers, "workers/worker-4.json", "{not json")
    result = isollm("state", "show", cwd=workers)
    _clean(result)
    assert result.returncode == 0
    assert "Workers (2):" in result.stdout
    errors = result.stderr.splitlines()
    assert any(line.startswith(".isollm/workers/worker-3.json:4:") and ": error: " in line for line in errors), errors
    assert any(line.startswith(".isollm/workers/worker-4.json:1:2: error: not valid JSON") for line in errors), errors


def test_show_json(isollm, workers: Path) -> None:
    _write(workers, "session.json", _session(_dead_pid()))
    _write(workers, "workers/worker-3.json", "[]")
    result = isollm("state", "show", "--format", "json", cwd=workers)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["session"]["state"] == "stale"
    assert document["session"]["zellij_session"] == "isollm-demo"
    assert [w["name"] for w in document["workers"]] == ["worker-1", "worker-2"]
    assert [e["path"] for e in document["errors"]] == [".isollm/workers/worker-3.json"]
    assert result.stderr == ""


def test_check_valid_files(isollm, workers: Path) -> None:
    _write(workers, "session.json", _session(os.getpid()))
    result = isollm("state", "check", cwd=workers / "sub")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["../.isollm/session.json: valid", "../.isollm/workers/worker-1.json: valid",
                                          "../.isollm/workers/worker-2.json: valid"]


def test_check_without_state_files(isollm, project: Path) -> None:
    result = isollm("state", "check", cwd=project)
    assert result.returncode == 0
    assert "no state files" in result.stdout


@pytest.mark.parametrize("relative, content, located", [
    ("session.json", {**_session(1), "status": "sleeping"}, ".isollm/session.json:3:"),
    ("session.json", "", ".isollm/session.json:1:1: error: not valid JSON"),
    ("workers/worker-9.json", _worker("worker-9", version=99), ".isollm/workers/worker-9.json:2:"),
    ("workers/worker-9.json", _worker("someone-else"), ".isollm/workers/worker-9.json"),
])
def test_check_reports_each_invalid_file_located(isollm, workers: Path, relative: str, content: object,
                                                 located: str) -> None:
    _write(workers, relative, content)
    result = isollm("state", "check", cwd=workers)
    _clean(result)
    assert result.returncode == 1
    assert any(line.startswith(located) and "error:" in line for line in result.stderr.splitlines()), result.stderr
    assert ".isollm/workers/worker-1.json: valid" in result.stdout


def test_clean_removes_a_stale_session(isollm, project: Path) -> None:
    session = _write(project, "session.json", _session(_dead_pid()))
    result = isollm("state", "clean", cwd=project / "sub")
    assert result.returncode == 0, result.stderr
    assert "Removed stale session" in result.stdout
    assert not session.exists()


def test_clean_refuses_a_live_session(isollm, project: Path) -> None:
    session = _write(project, "session.json", _session(os.getpid()))
    result = isollm("state", "clean", cwd=project)
    assert result.returncode == 1
    assert "live" in result.stderr and "Traceback" not in result.stderr
    assert session.exists()


def test_clean_refuses_an_invalid_session(isollm, project: Path) -> None:
    session = _write(project, "session.json", "{broken")
    result = isollm("state", "clean", cwd=project)
    assert result.returncode == 1
    assert "invalid" in result.stderr and "Traceback" not in result.stderr
    assert session.read_text() == "{broken"


def test_clean_without_session(isollm, project: Path) -> None:
    result = isollm("state", "clean", cwd=project)
    assert result.returncode == 0
    assert "No session" in result.stdout


def test_clean_sweeps_only_old_temporary_files(isollm, workers: Path) -> None:
    state = workers / ".isollm"
    old = [state / ".session.json.k1ll3d.tmp", state / "workers" / ".worker-1.json.abc123.tmp"]
    fresh = state / "workers" / ".worker-2.json.inprogress.tmp"
    for path in (*old, fresh):
        path.write_text('{"half": ')
    two_hours_ago = time.time() - 7200
    for path in old:
        os.utime(path, (two_hours_ago, two_hours_ago))
    result = isollm("state", "clean", cwd=workers)
    assert result.returncode == 0, result.stderr
    assert "Removed 2 temporary file(s)" in result.stdout
    assert not any(path.exists() for path in old)
    assert fresh.exists()  # its writer may still be busy with it
    assert sorted(p.name for p in (state / "workers").glob("*.json")) == ["worker-1.json", "worker-2.json"]


def test_clean_sweeps_the_go_writers_old_temporary_files(isollm, workers: Path) -> None:
    # The Go isollm's saveJSON writes NAME.json.tmp, then renames it; a crash in between leaves it.
    state = workers / ".isollm"
    old = [state / "session.json.tmp", state / "workers" / "worker-1.json.tmp"]
    fresh = state / "workers" / "worker-2.json.tmp"
    kept = [state / "notes.tmp", state / "workers" / "worker-1.json"]
    for path in (*old, fresh, kept[0]):
        path.write_text('{"half": ')
    two_hours_ago = time.time() - 7200
    for path in (*old, *kept):
        os.utime(path, (two_hours_ago, two_hours_ago))
    result = isollm("state", "clean", cwd=workers)
    assert result.returncode == 0, result.stderr
    assert "Removed 2 temporary file(s)" in result.stdout
    assert not any(path.exists() for path in old)
    assert fresh.exists() and all(path.exists() for path in kept)


@pytest.mark.parametrize("command", ["show", "check", "clean"])
def test_state_outside_a_project(isollm, tmp_path: Path, command: str) -> None:
    result = isollm("state", command, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (f"error: not in an isollm project: no isollm.yaml in {tmp_path.resolve()} or any "
                             "directory above it ('isollm init' creates one)\n")


def test_state_show_happy_path_does_not_import_jsonschema(isollm_process, workers: Path) -> None:
    _write(workers, "session.json", _session(os.getpid()))
    result = isollm_process("state", "show", cwd=workers, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0
    imported = [line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line]
    assert "isollm.state" in imported
    assert not any(name.split(".")[0] == "jsonschema" for name in imported)


def test_clean_never_sweeps_through_a_planted_workers_link(isollm, project: Path, tmp_path: Path) -> None:
    # A planted isollm.yaml plus .isollm/workers -> someone else's directory, in a shared
    # writable place: whoever runs `state clean` below it must not delete that directory's files.
    victim = tmp_path / "victim"
    victim.mkdir()
    two_hours_ago = time.time() - 7200
    for name in (".notes.txt.abc.tmp", "w.json"):
        (victim / name).write_text("someone else's\n")
        os.utime(victim / name, (two_hours_ago, two_hours_ago))
    (project / ".isollm").mkdir()
    (project / ".isollm" / "workers").symlink_to(victim)
    result = isollm("state", "clean", cwd=project)
    _clean(result)
    assert result.returncode == 1
    assert "workers: is a symbolic link; refusing to keep worker state through it" in result.stderr
    assert sorted(p.name for p in victim.iterdir()) == [".notes.txt.abc.tmp", "w.json"]


def test_a_whole_number_float_pid_works_in_every_command(isollm, workers: Path) -> None:
    # `state check` accepts "pid": 1.0 (JSON Schema counts it as an integer); show, clean and
    # has_active_session() crashed on it.
    _write(workers, "session.json", {**_session(_dead_pid()), "pid": float(_dead_pid())})
    for command in ("check", "show", "clean"):
        result = isollm("state", command, cwd=workers)
        _clean(result)
        assert result.returncode == 0, (command, result.stderr)
    assert not (workers / ".isollm" / "session.json").exists()


def test_show_escapes_control_characters_from_state_files(isollm, project: Path) -> None:
    # State files are written by other processes (and can be planted): what they hold must not
    # steer the terminal (ESC, BEL, RTL override) or forge lines (a newline starting `::error`).
    _write(project, "session.json", {**_session(_dead_pid()), "zellij_session": "z\x1b]0;owned\x07"})
    _write(project, "workers/w.json", _worker(
        "w", status="error", last_error="boom\n::error file=x::forged\x1b[2J", current_branch="fix\u202e1gnp.exe",
        current_task={"id": "T\t1", "title": "Title\rOverwritten\x9b", "claimed_at": WHEN}))
    result = isollm("state", "show", cwd=project)
    _clean(result)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4, lines  # session, "Workers (1):", header, one row
    for unsafe in ("\x1b", "\x07", "\r", "\u202e", "\x9b", "\t"):
        assert unsafe not in result.stdout
    assert "zellij session z\\x1b]0;owned\\x07" in lines[0]
    assert "boom\\n::error file=x::forged\\x1b[2J" in lines[3]
    assert "fix\\u202e1gnp.exe" in lines[3] and "T\\t1 Title\\rOverwritten\\x9b" in lines[3]


@pytest.mark.parametrize("command", ["check", "show"])
def test_problems_across_many_files_are_capped_as_validate_caps_them(isollm, project: Path, command: str) -> None:
    # Three problems a file, 400 files: the first 100 problems are listed, then one line counts the rest.
    for number in range(400):
        _write(project, f"workers/w-{number:03}.json", _worker(f"w-{number:03}", status="x", last_activity="never",
                                                               started_at="never"))
    result = isollm("state", command, cwd=project)
    _clean(result)
    assert result.returncode == (1 if command == "check" else 0)
    lines = result.stderr.splitlines()
    assert len(lines) == 101, lines[-3:]
    assert lines[-1] == ".isollm: error: ... and 1100 more problems (only the first 100 are listed)"
    assert lines[0].startswith(".isollm/workers/w-000.json:")
