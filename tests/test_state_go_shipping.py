"""State files as the Go isollm writes and reads them today (issue 11, "State written by the
isollm that ships today"): its time spelling, ``pid: 0`` sessions, the session file of
``isollm up`` (cmd/up.go) and the task files of its worker manager (internal/worker).

Through the API (``FileState``) and the CLI's ``main(argv)`` in this process.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from tests import dependencies

from isollm.cli.launch import main
from isollm.errors import InvalidStateError
from isollm.schema.decide import checker_for
from isollm.schema.loader import load_schema, schema_path
from isollm.validator import IsollmValidator
from isollm.state import FileState
from isollm.state.types import format_timestamp, parse_timestamp
from tests.state_helpers import EXAMPLES

GO = EXAMPLES / "go"
GO_TIME_MESSAGE = "is not a time the Go isollm can read"

CliResult = tuple[int, str, str]
Cli = Callable[..., CliResult]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """``cli(*argv, cwd=...)`` runs the CLI's ``main(argv)`` in this process: (status, stdout, stderr)."""
    def run(*argv: str, cwd: Path) -> CliResult:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        status = main(list(argv))
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return status, out, err
    return run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "my-app"
    root.mkdir()
    (root / "isollm.yaml").write_text("project: my-app\n")
    (root / ".isollm").mkdir()
    return root


def _place(project: Path, example: str, relative: str) -> Path:
    target = project / ".isollm" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(GO / example, target)
    return target


def _date_time_properties(schema: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for key, sub in schema.get("properties", {}).items():
        if sub.get("format") == "date-time":
            yield f"{where}/{key}", sub
        yield from _date_time_properties(sub, f"{where}/{key}")


STATE_KINDS = ("session", "worker", "task")
TIME_EXAMPLE = {"session": "session.json", "worker": "worker-busy.json", "task": "task-worker-1.json"}
TIME_FIELDS = [(kind, pointer) for kind in STATE_KINDS for pointer, _ in _date_time_properties(load_schema(kind))]


# -- timestamps: what Go's time.Time decoding refuses is refused -------------------------------


def test_every_state_timestamp_carries_the_same_go_pattern() -> None:
    patterns = {sub.get("pattern") for kind in STATE_KINDS for _, sub in _date_time_properties(load_schema(kind))}
    assert len(TIME_FIELDS) >= 6 and len(patterns) == 1 and None not in patterns


@pytest.mark.parametrize("text", [
    "2025-01-15t10:30:00Z",             # Go's parser is case-sensitive: lowercase t
    "2025-01-15T10:30:00z",             # lowercase z
    "2025-01-15T10:30:00,5Z",           # ',' before the fraction (Go >= 1.20 refuses it)
])
def test_a_time_go_cannot_read_is_refused_with_one_message(text: str) -> None:
    for kind, pointer in TIME_FIELDS:
        schema = load_schema(kind)
        document = json.loads((GO / TIME_EXAMPLE[kind]).read_text())
        parent = document
        *path, last = pointer.strip("/").split("/")
        for key in path:
            parent = parent[key]
        parent[last] = text
        assert not checker_for(kind)(document)
        errors = list(IsollmValidator(schema).iter_errors(document))
        assert [e.validator for e in errors] == ["pattern"], (pointer, errors)


@pytest.mark.parametrize("text", ["2025-01-15T10:30:00.123456789+05:30", "2025-01-15T10:30:00.1-08:00",
                                  "2025-01-15T10:30:00Z", "0001-01-01T00:00:00Z", "2025-01-15T10:30:00-00:00"])
def test_nanoseconds_and_numeric_offsets_stay_valid(text: str, project: Path) -> None:
    data = json.loads((GO / "session.json").read_text())
    data["started_at"] = text
    (project / ".isollm" / "session.json").write_text(json.dumps(data, indent=2))
    assert format_timestamp(FileState.for_project(project).load_session().started_at) == text.replace("-00:00", "Z")


def test_lowercase_time_fails_state_check_located_and_the_file_is_untouched(cli: Cli, project: Path) -> None:
    target = _place(project, "worker-busy.json", "workers/worker-1.json")
    target.write_text(target.read_text().replace('"2025-01-15T10:30:01.000000001Z"', '"2025-01-15t10:30:01z"'))
    before = target.read_bytes()
    with pytest.raises(InvalidStateError) as caught:
        FileState.for_project(project).load_worker("worker-1")
    assert [(i.pointer, i.keyword, i.line) for i in caught.value.issues] == [("/started_at", "pattern", 13)]
    status, out, err = cli("state", "check", cwd=project)
    assert status == 1 and out == ""
    assert err.splitlines() == [f".isollm/workers/worker-1.json:13:17: error: started_at {GO_TIME_MESSAGE}: it needs "
                                "an uppercase T and Z and a '.' before the fraction (2006-01-02T15:04:05.999999999Z07:00)"]
    assert target.read_bytes() == before


@dependencies.program("check-jsonschema")
def test_plain_check_jsonschema_refuses_a_lowercase_time_too(tmp_path: Path) -> None:
    """The rule is a standard ``pattern``: a validator without our class enforces it as well."""
    data = json.loads((GO / "session.json").read_text())
    data["started_at"] = "2025-01-15t10:30:00Z"
    bad = tmp_path / "session.json"
    bad.write_text(json.dumps(data))
    run = subprocess.run(["check-jsonschema", "--schemafile", str(schema_path("session")), str(bad)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "started_at" in run.stdout, run.stdout


@pytest.mark.parametrize("offset", [timedelta(seconds=3208), -timedelta(hours=5, minutes=30, seconds=1)])
def test_an_offset_with_seconds_is_written_as_the_same_instant_in_utc(offset: timedelta) -> None:
    value = datetime(2025, 1, 15, 12, 0, tzinfo=timezone(offset))
    text = format_timestamp(value)
    assert text.endswith("Z") and parse_timestamp(text) == value


# -- pid 0 (Go's state.SaveSessionState): a stale session, not an invalid one -------------------


def test_pid_zero_session_is_readable_and_stale(project: Path) -> None:
    target = _place(project, "session-pid0.json", "session.json")
    store = FileState.for_project(project)
    session = store.load_session()
    assert (session.pid, session.zellij_session) == (0, "isollm-my-app")
    assert store.has_active_session() is False
    assert target.read_bytes() == (GO / "session-pid0.json").read_bytes()


def test_pid_zero_session_in_show_check_and_clean(cli: Cli, project: Path) -> None:
    target = _place(project, "session-pid0.json", "session.json")
    status, out, err = cli("state", "show", cwd=project)
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == ("Session: stale (pid 0, running, started 2025-01-15T10:30:00+01:00, zellij session "
                                   "isollm-my-app; no process was recorded): remove it with 'isollm state clean'")
    assert cli("state", "check", cwd=project) == (0, ".isollm/session.json: valid\n", "")
    status, out, err = cli("state", "clean", cwd=project)
    assert (status, err) == (0, "")
    assert out.startswith("Removed stale session .isollm/session.json (pid 0, ")
    assert not target.exists()


def test_a_negative_pid_is_still_refused(project: Path) -> None:
    target = _place(project, "session-pid0.json", "session.json")
    target.write_text(target.read_text().replace('"pid": 0', '"pid": -7'))
    with pytest.raises(InvalidStateError, match="pid must be at least 0"):
        FileState.for_project(project).load_session()


# -- isollm up's session.json (cmd/up.go SessionState): version 0, liveness unknown ------------

UP_SHOW = [
    "Session: liveness unknown: written by an isollm without a PID (isollm up's session file)",
    "  project: my-app",
    "  workers: worker-1, worker-2, worker-3",
    "  started: 2025-01-15T10:30:00+01:00",
    "  zellij session: isollm-my-app",
    "  airyra port: 7432",
    "  base branch: main",
    "  If it no longer runs ('zellij list-sessions' shows no isollm-my-app), "
    "remove it with 'isollm state clean --unknown-session'",
]


def _untouched(path: Path) -> Callable[[], None]:
    """A check that ``path`` still has the bytes and modification time it has now."""
    before = (path.read_bytes(), path.stat().st_mtime_ns)

    def check() -> None:
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before, f"{path} was rewritten"
    return check


def test_up_session_reads_as_version_0_migrated_in_memory(project: Path) -> None:
    from isollm.state import Liveness, SessionStatus, session_liveness

    target = _place(project, "session-up.json", "session.json")
    unchanged = _untouched(target)
    store = FileState.for_project(project)
    session = store.load_session()
    assert (session.version, session.migrated_from, session.pid_recorded) == (1, 0, False)
    assert (session.status, session.pid, session.project_root, session.bare_repo_path) == (
        SessionStatus.RUNNING, 0, str(project), "")
    assert (session.project, session.workers, session.airyra_port, session.base_branch, session.zellij_session) == (
        "my-app", ["worker-1", "worker-2", "worker-3"], 7432, "main", "isollm-my-app")
    assert format_timestamp(session.started_at) == "2025-01-15T10:30:00.123456789+01:00"
    assert session_liveness(session) is Liveness.UNKNOWN
    # Whether it runs cannot be told: counted as active, so nothing starts over it.
    assert store.has_active_session() is True
    unchanged()


def test_up_session_without_zellij(project: Path) -> None:
    _place(project, "session-up-no-zellij.json", "session.json")
    session = FileState.for_project(project).load_session()
    assert (session.zellij_session, session.workers, session.airyra_port, session.base_branch) == (
        "", ["worker-1"], 7500, "feature/login")


def test_nothing_is_created_over_an_up_session(project: Path) -> None:
    from isollm.errors import SessionExistsError
    from tests.state_helpers import session

    target = _place(project, "session-up.json", "session.json")
    unchanged = _untouched(target)
    with pytest.raises(SessionExistsError):
        FileState.for_project(project).create_session(session(1))
    unchanged()


def test_up_session_with_null_workers_reads(project: Path) -> None:
    """Go's MarshalIndent writes a nil slice as null (up started no worker)."""
    target = _place(project, "session-up.json", "session.json")
    target.write_text(target.read_text().replace('[\n    "worker-1",\n    "worker-2",\n    "worker-3"\n  ]', "null"))
    assert FileState.for_project(project).load_session().workers is None


@pytest.mark.parametrize("old, new, located", [
    ('"airyra_port": 7432', '"airyra_port": "7432"', "10:18: error: airyra_port must be a whole number"),
    ('"airyra_port": 7432', '"airyra_port": 70000', "10:18: error: airyra_port must be between 1 and 65535"),
    ('  "base_branch": "main"\n', '  "base_brunch": "main"\n', "1:1: error: base_branch is required"),
    ('"worker-2"', "2", "5:5: error: workers.1 must be a string"),
    ('"started_at": "2025-01-15T10', '"started_at": "2025-01-15t10', "8:17: error: started_at is not a time"),
])
def test_a_bad_up_session_is_reported_as_written(cli: Cli, project: Path, old: str, new: str, located: str) -> None:
    target = _place(project, "session-up.json", "session.json")
    assert old in target.read_text()
    target.write_text(target.read_text().replace(old, new))
    unchanged = _untouched(target)
    with pytest.raises(InvalidStateError):
        FileState.for_project(project).load_session()
    status, out, err = cli("state", "check", cwd=project)
    assert (status, out) == (1, "")
    assert err.splitlines()[0].startswith(f".isollm/session.json:{located}"), err
    assert len(err.splitlines()) == 1
    unchanged()


def test_show_check_and_clean_leave_an_up_session_as_it_is(cli: Cli, project: Path) -> None:
    target = _place(project, "session-up.json", "session.json")
    unchanged = _untouched(target)
    status, out, err = cli("state", "show", cwd=project)
    assert (status, err) == (0, "")
    assert out.splitlines() == UP_SHOW
    assert cli("state", "check", cwd=project) == (0, ".isollm/session.json: valid\n", "")
    status, out, err = cli("state", "clean", cwd=project)
    assert (status, out) == (1, "")
    assert err == ("error: .isollm/session.json was written by an isollm without a PID (isollm up), so whether its "
                   "session still runs cannot be told; if it does not, remove it with "
                   "'isollm state clean --unknown-session'\n")
    unchanged()


def test_show_json_says_unknown_and_the_file_version(cli: Cli, project: Path) -> None:
    _place(project, "session-up-no-zellij.json", "session.json")
    status, out, err = cli("state", "show", "--format", "json", cwd=project)
    assert (status, err) == (0, "")
    document = json.loads(out)["session"]
    assert (document["state"], document["migrated_from"], document["pid"]) == ("unknown", 0, 0)
    assert (document["project"], document["workers"], document["airyra_port"], document["base_branch"]) == (
        "my-app", ["worker-1"], 7500, "feature/login")
    assert document["zellij_session"] == "" and document["started_at"] == "2025-01-15T09:00:05Z"


def test_show_without_zellij_names_no_zellij_session(cli: Cli, project: Path) -> None:
    _place(project, "session-up-no-zellij.json", "session.json")
    lines = cli("state", "show", cwd=project)[1].splitlines()
    assert "  started: 2025-01-15T09:00:05+00:00" in lines and not any("zellij" in line for line in lines)
    assert lines[-1] == "  If it no longer runs, remove it with 'isollm state clean --unknown-session'"


def test_clean_removes_an_up_session_only_when_asked(cli: Cli, project: Path) -> None:
    target = _place(project, "session-up.json", "session.json")
    status, out, err = cli("state", "clean", "--unknown-session", cwd=project)
    assert (status, err) == (0, "")
    assert out == ("Removed session .isollm/session.json of unknown liveness (isollm up, "
                   "started 2025-01-15T10:30:00+01:00)\n")
    assert not target.exists()
    assert cli("state", "clean", "--unknown-session", cwd=project) == (0, "No session to clean\n", "")


def test_the_flag_changes_nothing_for_a_live_or_stale_session(cli: Cli, project: Path) -> None:
    import os

    target = _place(project, "session.json", "session.json")
    target.write_text(target.read_text().replace('"pid": 4242', f'"pid": {os.getpid()}'))
    status, _, err = cli("state", "clean", "--unknown-session", cwd=project)
    assert status == 1 and "the session is live" in err and target.exists()
    _place(project, "session-pid0.json", "session.json")
    status, out, _ = cli("state", "clean", "--unknown-session", cwd=project)
    assert status == 0 and out.startswith("Removed stale session") and not target.exists()


def test_clean_help_names_the_flag(cli: Cli, project: Path) -> None:
    status, out, _ = cli("state", "clean", "--help", cwd=project)
    assert status == 0
    assert "--unknown-session" in out and "--unknown_session" not in out  # one spelling, as the README has it
    status, _, err = cli("state", "clean", "--unknown-session", "yes", cwd=project)
    assert status == 2 and "unexpected argument: yes" in err


# -- .isollm/tasks/<worker>.json (internal/worker TaskState): read and checked, never written ----

TASKS_SHOW = [
    "Tasks (2):",
    "  WORKER    TASK     BRANCH          CLAIMED",
    "  worker-1  ar-7f3a  isollm/ar-7f3a  2025-01-15T10:31:02+00:00",
    "  worker-2  -        -               -",
]


@pytest.fixture
def up_project(project: Path) -> Path:
    """A project as the shipping Go isollm leaves it: up's session.json and two task files."""
    _place(project, "session-up.json", "session.json")
    _place(project, "task-worker-1.json", "tasks/worker-1.json")
    _place(project, "task-worker-2.json", "tasks/worker-2.json")
    return project


def test_task_files_load_through_the_api(up_project: Path) -> None:
    from isollm.state import TaskAssignment

    store = FileState.for_project(up_project)
    files = sorted((up_project / ".isollm" / "tasks").iterdir())
    checks = [_untouched(path) for path in files]
    result = store.load_all_tasks()
    assert result.errors == []
    first, second = result.tasks
    assert (first.worker_name, first.task_id, first.branch) == ("worker-1", "ar-7f3a", "isollm/ar-7f3a")
    assert first.claimed_at == datetime(2025, 1, 15, 10, 31, 2, 500000, tzinfo=timezone.utc)
    assert second == TaskAssignment(worker_name="worker-2")  # Go's zero time: no claim
    assert store.load_task("worker-1") == first and store.load_task("worker-7") is None
    for example, task in (("task-worker-1.json", first), ("task-worker-2.json", second)):
        assert json.dumps(task.to_dict(), indent=2) == (GO / example).read_text()  # the JSON Go wrote
    for check in checks:
        check()


def test_no_tasks_directory_means_no_tasks(project: Path) -> None:
    store = FileState.for_project(project)
    assert store.load_task("worker-1") is None
    result = store.load_all_tasks()
    assert (result.tasks, result.errors) == ([], [])


@pytest.mark.parametrize("file_name, old, new, message", [
    ("worker-1.json", '"task_id": "ar-7f3a"', '"task_id": 7', "3:14: error: task_id must be a string"),
    ("worker-1.json", '"claimed_at": "2025-01-15T10:31:02.5Z"', '"claimed_at": "yesterday"',
     "5:17: error: claimed_at is not an RFC 3339 timestamp"),
    ("worker-1.json", '"claimed_at": "2025-01-15T10:31:02.5Z"', '"claimed_at": "2025-01-15T10:31:02.5z"',
     f"5:17: error: claimed_at {GO_TIME_MESSAGE}"),
    ("worker-1.json", '"worker_name": "worker-1"', '"worker_name": "worker-9"',
     '2:18: error: worker_name "worker-9" does not match the file name worker-1.json'),
    ("worker-1.json", '{\n', '{\n  "version": 1,\n', "2:14: error: written by a newer isollm (version 1; "
     "this one understands up to 0)"),
    ("worker-1.json", '  "branch": "isollm/ar-7f3a",\n  "claimed_at": "2025-01-15T10:31:02.5Z"\n',
     '  "branch": "isollm/ar-7f3a"\n', "1:1: error: claimed_at is required"),
    ("-bad.json", "", "", "error: worker name"),
])
def test_a_bad_task_file_is_reported_and_the_rest_still_load(cli: Cli, up_project: Path, file_name: str, old: str,
                                                             new: str, message: str) -> None:
    target = up_project / ".isollm" / "tasks" / file_name
    if not target.exists():
        shutil.copyfile(GO / "task-worker-1.json", target)
    assert old in target.read_text()
    target.write_text(target.read_text().replace(old, new, 1))
    unchanged = _untouched(target)
    result = FileState.for_project(up_project).load_all_tasks()
    assert [Path(e.path).name for e in result.errors] == [file_name]  # type: ignore[attr-defined]
    assert "worker-2" in [t.worker_name for t in result.tasks]
    status, out, err = cli("state", "check", cwd=up_project)
    assert status == 1
    assert err.startswith(f".isollm/tasks/{file_name}:") and message in err.splitlines()[0], err
    assert ".isollm/tasks/worker-2.json: valid" in out.splitlines()
    status, out, err = cli("state", "show", cwd=up_project)
    assert status == 0 and err.startswith(f".isollm/tasks/{file_name}:")
    unchanged()


def test_show_an_up_project_with_its_tasks(cli: Cli, up_project: Path) -> None:
    status, out, err = cli("state", "show", cwd=up_project)
    assert (status, err) == (0, "")
    assert out.splitlines() == [*UP_SHOW, *TASKS_SHOW]  # no worker files: up's list stands for them


def test_show_json_lists_the_tasks_as_go_wrote_them(cli: Cli, up_project: Path) -> None:
    status, out, err = cli("state", "show", "--format", "json", cwd=up_project)
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert document["tasks"] == [json.loads((GO / name).read_text()) for name in ("task-worker-1.json",
                                                                                    "task-worker-2.json")]
    assert (document["workers"], document["errors"]) == ([], [])


def test_check_an_up_project(cli: Cli, up_project: Path) -> None:
    assert cli("state", "check", cwd=up_project) == (0, ".isollm/session.json: valid\n"
                                                        ".isollm/tasks/worker-1.json: valid\n"
                                                        ".isollm/tasks/worker-2.json: valid\n", "")


def test_show_check_and_clean_rewrite_nothing_in_an_up_project(cli: Cli, up_project: Path) -> None:
    files = sorted(p for p in (up_project / ".isollm").rglob("*") if p.is_file())
    checks = [_untouched(path) for path in files]
    for argv in (("state", "show"), ("state", "show", "--format", "json"), ("state", "check"), ("state", "clean")):
        cli(*argv, cwd=up_project)
    FileState.for_project(up_project).has_active_session()
    for check in checks:
        check()
    assert sorted(p for p in (up_project / ".isollm").rglob("*") if p.is_file()) == files


def test_tasks_with_a_current_session_and_worker_files(cli: Cli, project: Path) -> None:
    _place(project, "session-pid0.json", "session.json")
    _place(project, "worker-idle.json", "workers/worker-2.json")
    _place(project, "task-worker-2.json", "tasks/worker-2.json")
    lines = cli("state", "show", cwd=project)[1].splitlines()
    assert lines[1:] == ["Workers (1):", "  NAME      STATUS  TASK  BRANCH  LAST ACTIVITY",
                         "  worker-2  idle    -     -       2025-01-15T10:30:01+00:00",
                         "Tasks (1):", "  WORKER    TASK  BRANCH  CLAIMED", "  worker-2  -     -       -"]


def test_the_task_schema_is_listed_and_printed(cli: Cli, project: Path) -> None:
    status, out, _ = cli("schema", "task", cwd=project)
    assert status == 0 and json.loads(out) == load_schema("task")
    assert cli("schema", "task", "--path", cwd=project) == (0, f"{schema_path('task')}\n", "")
    assert "task" in cli("schema", "--help", cwd=project)[1]


@dependencies.program("check-jsonschema")
def test_plain_check_jsonschema_judges_the_go_files_as_state_check_does(tmp_path: Path) -> None:
    for kind, names in (("task", ["task-worker-1.json", "task-worker-2.json"]),
                        ("session", ["session-up.json", "session-up-no-zellij.json", "session-pid0.json"])):
        run = subprocess.run(["check-jsonschema", "--schemafile", str(schema_path(kind)),
                              *(str(GO / name) for name in names)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stdout + run.stderr
    bad = tmp_path / "worker-1.json"
    bad.write_text((GO / "task-worker-1.json").read_text().replace("T10:31", "t10:31"))
    run = subprocess.run(["check-jsonschema", "--schemafile", str(schema_path("task")), str(bad)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "claimed_at" in run.stdout, run.stdout


def test_what_up_and_the_task_files_hold_is_escaped_before_printing(cli: Cli, up_project: Path) -> None:
    """Another process wrote these files (or a cloned repository planted them): no raw control characters."""
    session = up_project / ".isollm" / "session.json"
    session.write_text(session.read_text().replace('"project": "my-app"', '"project": "my\\u001b[2Japp\\nx"'))
    task = up_project / ".isollm" / "tasks" / "worker-1.json"
    task.write_text(task.read_text().replace('"ar-7f3a"', '"ar\\r\\u0007"'))
    status, out, err = cli("state", "show", cwd=up_project)
    assert (status, err) == (0, "")
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "  project: my\\x1b[2Japp\\nx" in out.splitlines()
    assert any(line.startswith("  worker-1  ar\\r\\x07") for line in out.splitlines()), out
