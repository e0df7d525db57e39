"""The state schemas, the Go file format, timestamps, versions and migrations."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from isollm.schema.decide import checker_for
from isollm.errors import InvalidStateError
from isollm.schema.formats import is_date_time
from isollm.schema.loader import load_schema, schema_path
from isollm.state import (
    CURRENT_SESSION_VERSION,
    CURRENT_WORKER_VERSION,
    MIGRATIONS,
    FileState,
    Session,
    SessionStatus,
    WorkerState,
    WorkerStatus,
)
from isollm.state.codec import encode_state
from isollm.state.types import format_timestamp, parse_timestamp
from isollm.validator import IsollmValidator
from tests import dependencies
from tests.state_helpers import EXAMPLES, worker

GO = sorted((EXAMPLES / "go").glob("*.json"))
# Files at the current version round-trip byte for byte; older ones (isollm up's session.json) are migrated.
GO_CURRENT = [p for p in GO if "version" in json.loads(p.read_text())]
INVALID = sorted((EXAMPLES / "invalid").glob("*.json"))


def _kind(path: Path) -> str:
    return path.name.split("-")[0].removesuffix(".json")


def _place(store_dir: Path, example: Path, name: str | None = None) -> Path:
    """Copy ``example`` where the store looks for it (a worker under ``name``); returns the copy."""
    if _kind(example) == "session":
        target = store_dir / "session.json"
    elif _kind(example) == "task":
        target = store_dir / "tasks" / f"{json.loads(example.read_text())['worker_name']}.json"
    else:
        target = store_dir / "workers" / f"{name or example.stem}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(example, target)
    return target


def _load(store: FileState, example: Path) -> Any:
    if _kind(example) == "session":
        return store.load_session()
    return store.load_worker(json.loads(example.read_text())["name"])


@pytest.mark.parametrize("name", ["session", "worker", "task"])
def test_schema_is_valid_against_the_metaschema(name: str) -> None:
    Draft202012Validator.check_schema(load_schema(name))
    assert schema_path(name).name == f"{name}.schema.json"
    assert load_schema(name)["$id"].endswith(f"/schemas/{name}.schema.json")


@pytest.mark.parametrize("name", ["session", "worker", "task"])
def test_every_property_has_a_title_and_description(name: str) -> None:
    def walk(schema: dict[str, Any], where: str) -> None:
        for key, sub in schema.get("properties", {}).items():
            assert sub.get("title") and sub.get("description"), f"{where}/{key}"
            walk(sub, f"{where}/{key}")
    walk(load_schema(name), "")


@pytest.mark.parametrize("enum, name", [(SessionStatus, "session"), (WorkerStatus, "worker")])
def test_status_enums_are_the_schemas(enum: Any, name: str) -> None:
    assert [m.value for m in enum] == load_schema(name)["properties"]["status"]["enum"]


def test_current_versions_are_the_schemas_upper_bound() -> None:
    assert CURRENT_SESSION_VERSION == load_schema("session")["properties"]["version"]["maximum"] == 1
    assert CURRENT_WORKER_VERSION == load_schema("worker")["properties"]["version"]["maximum"] == 1


@pytest.mark.parametrize("example", GO_CURRENT, ids=lambda p: p.name)
def test_go_written_file_loads_and_round_trips_byte_for_byte(tmp_path: Path, example: Path) -> None:
    store = FileState(tmp_path)
    placed = _place(tmp_path, example, json.loads(example.read_text()).get("name"))
    record = _load(store, example)
    assert encode_state(_kind(example), record.to_dict()) == example.read_bytes()
    if isinstance(record, Session):
        store.save_session(record)
    else:
        store.save_worker(record)
    assert placed.read_bytes() == example.read_bytes()


def test_go_fixture_values(tmp_path: Path) -> None:
    busy = WorkerState.from_dict(json.loads((EXAMPLES / "go" / "worker-busy.json").read_text()))
    assert busy.error_time is None and busy.current_task is not None
    assert busy.current_task.title == "Fix <main> & tests"
    assert busy.last_activity.utcoffset() == timedelta(hours=-5)
    assert busy.started_at == datetime(2025, 1, 15, 10, 30, 1, tzinfo=timezone.utc)  # nanoseconds below µs
    idle = WorkerState.from_dict(json.loads((EXAMPLES / "go" / "worker-idle.json").read_text()))
    assert (idle.container_id, idle.ip, idle.current_task, idle.last_error) == ("", "", None, "")


@pytest.mark.parametrize("example", INVALID, ids=lambda p: p.name)
def test_invalid_file_is_reported_with_path_and_messages(tmp_path: Path, example: Path) -> None:
    store = FileState(tmp_path)
    placed = _place(tmp_path, example)
    with pytest.raises(InvalidStateError) as caught:
        if _kind(example) == "session":
            store.load_session()
        else:
            store.load_worker(example.stem)
    error = caught.value
    assert error.path == str(placed) and str(error).startswith(f"{placed}: invalid ")
    found = "".join(f"{i.line}:{i.column}: {i.message}\n" for i in error.issues)
    assert found == example.with_suffix(".errors.txt").read_text()


@pytest.mark.parametrize("example", [p for p in INVALID if _kind(p) == "worker"], ids=lambda p: p.name)
def test_invalid_file_in_load_all_workers(tmp_path: Path, example: Path) -> None:
    store = FileState(tmp_path)
    store.save_worker(worker("good"))
    _place(tmp_path, example)
    result = store.load_all_workers()
    assert [w.name for w in result.workers] == ["good"]
    assert [Path(e.path).name for e in result.errors] == [example.name]  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", ["session", "worker"])
def test_older_version_is_migrated_through_the_registered_path(tmp_path: Path, kind: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # A session without a version is isollm up's file; a worker's version 0 is version 1's structure.
    source = EXAMPLES / "go" / ("session-up.json" if kind == "session" else "worker-idle.json")
    data = json.loads(source.read_text())
    data.pop("version", None)
    calls = []
    original = MIGRATIONS[kind][0]

    def spy(doc: dict[str, Any], path: str) -> dict[str, Any]:
        calls.append((doc.get("version", 0), path))
        return original(doc, path)

    monkeypatch.setitem(MIGRATIONS[kind], 0, spy)
    store = FileState(tmp_path)
    target = _place(tmp_path, source, data.get("name"))
    target.write_text(json.dumps(data))
    record = store.load_session() if kind == "session" else store.load_worker(data["name"])
    assert calls == [(0, str(target))] and record.version == 1
    if kind == "worker":  # an explicit version 0 is read the same way
        target.write_text(json.dumps({**data, "version": 0}))
        assert store.load_worker(data["name"]).version == 1 and len(calls) == 2


def test_an_explicit_session_version_0_is_refused_as_every_validator_refuses_it(tmp_path: Path) -> None:
    """Version 0 is the file without a version (isollm up's); nobody writes "version": 0, and
    the schema (so check-jsonschema too) asks for at least 1 once a version is written."""
    target = _place(tmp_path, EXAMPLES / "go" / "session-up.json")
    target.write_text(json.dumps({**json.loads(target.read_text()), "version": 0}))
    with pytest.raises(InvalidStateError, match="version must be at least 1"):
        FileState(tmp_path).load_session()
    assert not IsollmValidator(load_schema("session")).is_valid(json.loads(target.read_text()))


def test_version_without_a_migration_is_refused(tmp_path: Path) -> None:
    target = _place(tmp_path, EXAMPLES / "go" / "worker-idle.json", "worker-2")
    target.write_text(target.read_text().replace('"version": 1', '"version": -1'))
    with pytest.raises(InvalidStateError, match="version -1 is too old to read"):
        FileState(tmp_path).load_worker("worker-2")


def test_unknown_fields_from_a_newer_writer_are_kept(tmp_path: Path) -> None:
    target = _place(tmp_path, EXAMPLES / "go" / "worker-idle.json", "worker-2")
    data = json.loads(target.read_text())
    data["gpu"] = {"index": 0}
    target.write_text(json.dumps(data))
    store = FileState(tmp_path)
    loaded = store.load_worker("worker-2")
    store.save_worker(loaded)
    assert json.loads(target.read_text())["gpu"] == {"index": 0}


@pytest.mark.parametrize("text, valid", [
    ("0001-01-01T00:00:00Z", True),
    ("2025-01-15T10:30:00.123456789Z", True),
    ("2025-01-15T10:30:00.1+05:30", True),
    ("2025-01-15t10:30:00z", True),
    ("2024-02-29T00:00:00Z", True),
    ("2025-02-29T00:00:00Z", False),
    ("2025-01-15T24:00:00Z", False),
    ("2025-01-15T10:30:60Z", False),
    ("2025-01-15T10:30:00", False),
    ("2025-01-15 10:30:00Z", False),
    ("2025-01-15T10:30:00+2400", False),
    ("0000-01-01T00:00:00Z", False),
    ("2025-01-15T10:30:00.Z", False),
])
def test_date_time_format(text: str, valid: bool) -> None:
    try:
        result = is_date_time(text)
    except ValueError:
        result = False
    assert result is valid


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00Z", "2025-01-15T10:30:00.123456789Z",
                                  "2025-01-15T10:30:00.1+05:30", "2025-01-15T10:30:00.000001-08:00",
                                  "2025-01-15T10:30:00.1234567Z"])
def test_timestamps_round_trip_as_go_writes_them(text: str) -> None:
    assert format_timestamp(parse_timestamp(text)) == text


def test_naive_datetime_is_written_as_local_time_with_its_offset() -> None:
    naive = datetime(2025, 1, 15, 10, 30)
    assert parse_timestamp(format_timestamp(naive)) == naive.astimezone()


def _state_instances() -> list[tuple[str, Any]]:
    out = [(_kind(p), json.loads(p.read_text())) for p in GO]
    for p in INVALID:
        try:
            out.append((_kind(p), json.loads(p.read_text())))
        except ValueError:
            pass
    return out


@pytest.mark.parametrize("kind, instance", _state_instances())
def test_compiled_checker_agrees_with_jsonschema(kind: str, instance: Any) -> None:
    full = IsollmValidator(load_schema(kind))
    assert checker_for(kind)(instance) == full.is_valid(instance)


@dependencies.program("check-jsonschema")
def test_check_jsonschema_agrees_on_the_examples(tmp_path: Path) -> None:
    """The standard ``date-time`` format means a plain check-jsonschema judges files as we do."""
    for kind in ("session", "worker"):
        valid = [p for p in GO if _kind(p) == kind]
        run = subprocess.run(["check-jsonschema", "--schemafile", str(schema_path(kind)), *map(str, valid)],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stdout + run.stderr
        bad = tmp_path / f"{kind}-bad-time.json"
        data = json.loads(valid[0].read_text())
        data["started_at"] = "2025-02-29T00:00:00Z"
        bad.write_text(json.dumps(data))
        run = subprocess.run(["check-jsonschema", "--schemafile", str(schema_path(kind)), str(bad)],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 1 and "started_at" in run.stdout, run.stdout
