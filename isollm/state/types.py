"""The state records: a session, a worker and its task, with their JSON forms.

``to_dict`` produces exactly the JSON the Go isollm writes (its field order,
``omitempty`` fields left out when empty, Go's zero time for an unset
``error_time``); ``from_dict`` reads a dict the schema has already accepted.
Fields a newer isollm added are kept in ``extra`` and written back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from isollm.errors import StateError
from isollm.state.migrations import current_version, records_no_process
from isollm.util.numbers import as_whole
from isollm.state.timestamps import ZERO_TIME, format_timestamp, is_zero, now, parse_timestamp

CURRENT_SESSION_VERSION: int = current_version("session")
CURRENT_WORKER_VERSION: int = current_version("worker")


class SessionStatus(str, Enum):
    """Session lifecycle (the session schema's ``status`` enum; a test keeps them equal)."""

    INITIALIZING = "initializing"
    RUNNING = "running"
    SHUTTING_DOWN = "shutting_down"


class WorkerStatus(str, Enum):
    """Worker lifecycle (the worker schema's ``status`` enum; a test keeps them equal)."""

    CREATING = "creating"
    IDLE = "idle"
    BUSY = "busy"
    STOPPING = "stopping"
    STOPPED = "stopped"
    ERROR = "error"


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _as_enum(kind: type[Enum], value: Any) -> Any:
    # An unknown value stays as given, for validation to report in the schema's words.
    try:
        return kind(value)
    except ValueError:
        return value


def _extra(data: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in known}


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Go's ``omitempty``: leave out an empty string or a missing value."""
    if value is not None and value != "":
        out[key] = value


@dataclass(kw_only=True)
class TaskRef:
    """A cache of the task a worker is on (airyra is the source of truth)."""

    id: str
    title: str
    claimed_at: datetime = field(default_factory=now)
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    _FIELDS = ("id", "title", "claimed_at")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "claimed_at": format_timestamp(self.claimed_at),
                **self.extra}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskRef:
        return cls(id=data["id"], title=data["title"], claimed_at=parse_timestamp(data["claimed_at"]),
                   extra=_extra(data, cls._FIELDS))


@dataclass(kw_only=True)
class Session:
    """The running session. ``pid_start_time`` and ``boot_id`` tell the orchestrator
    apart from a later process that reused its PID; the store records them.

    ``project``, ``workers``, ``airyra_port`` and ``base_branch`` are what the Go
    ``isollm up`` records (its session.json, version 0); left out (empty, None)
    otherwise.
    ``migrated_from`` is the version of the file the record was read from when
    that was older than the current one (the file itself is left as it was). A
    session read from ``isollm up``'s file records no process (``pid`` 0,
    ``pid_recorded`` False): saving it writes the current version, where pid 0
    means "not running", so set ``pid`` first if it runs.
    """

    status: SessionStatus
    pid: int
    project_root: str
    started_at: datetime = field(default_factory=now)
    bare_repo_path: str = ""
    zellij_session: str = ""
    pid_start_time: int | None = None
    boot_id: str = ""
    project: str = ""
    workers: list[str] | None = None
    airyra_port: int | None = None
    base_branch: str = ""
    version: int = CURRENT_SESSION_VERSION
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    migrated_from: int | None = field(default=None, compare=False, repr=False)

    _FIELDS = ("version", "status", "started_at", "pid", "pid_start_time", "boot_id", "project_root",
               "bare_repo_path", "zellij_session", "project", "workers", "airyra_port", "base_branch")

    def __post_init__(self) -> None:
        self.status = _as_enum(SessionStatus, self.status)
        # 1.0 is a whole number (JSON Schema agrees) but no PID: kept as the int it stands for.
        self.pid, self.pid_start_time, self.version, self.airyra_port = map(
            as_whole, (self.pid, self.pid_start_time, self.version, self.airyra_port))

    @property
    def pid_recorded(self) -> bool:
        """Whether the file named the orchestrator's process at all (``isollm up``'s does not)."""
        return self.migrated_from is None or not records_no_process(self.migrated_from)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": self.version, "status": _enum_value(self.status),
                               "started_at": format_timestamp(self.started_at), "pid": self.pid,
                               "project_root": self.project_root, "bare_repo_path": self.bare_repo_path,
                               "zellij_session": self.zellij_session}
        _put(out, "pid_start_time", self.pid_start_time)
        _put(out, "boot_id", self.boot_id)
        _put(out, "project", self.project)
        _put(out, "workers", self.workers)
        _put(out, "airyra_port", self.airyra_port)
        _put(out, "base_branch", self.base_branch)
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, migrated_from: int | None = None) -> Session:
        return cls(version=data["version"], status=data["status"], started_at=parse_timestamp(data["started_at"]),
                   pid=data["pid"], project_root=data["project_root"], bare_repo_path=data["bare_repo_path"],
                   zellij_session=data["zellij_session"], pid_start_time=data.get("pid_start_time"),
                   boot_id=data.get("boot_id", ""), project=data.get("project", ""),
                   workers=data.get("workers"), airyra_port=data.get("airyra_port"),
                   base_branch=data.get("base_branch", ""), extra=_extra(data, cls._FIELDS),
                   migrated_from=migrated_from)


@dataclass(kw_only=True)
class WorkerState:
    """The state of one worker; ``error_time`` is None when there was no error."""

    name: str
    status: WorkerStatus
    container_id: str = ""
    ip: str = ""
    current_task: TaskRef | None = None
    current_branch: str = ""
    started_at: datetime = field(default_factory=now)
    last_activity: datetime = field(default_factory=now)
    last_error: str = ""
    error_time: datetime | None = None
    version: int = CURRENT_WORKER_VERSION
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    _FIELDS = ("version", "name", "container_id", "status", "ip", "current_task", "current_branch",
               "started_at", "last_activity", "last_error", "error_time")

    def __post_init__(self) -> None:
        self.status = _as_enum(WorkerStatus, self.status)
        self.version = as_whole(self.version)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": self.version, "name": self.name}
        _put(out, "container_id", self.container_id)
        out["status"] = _enum_value(self.status)
        _put(out, "ip", self.ip)
        task = self.current_task
        _put(out, "current_task", task.to_dict() if isinstance(task, TaskRef) else task)
        _put(out, "current_branch", self.current_branch)
        out["started_at"] = format_timestamp(self.started_at)
        out["last_activity"] = format_timestamp(self.last_activity)
        _put(out, "last_error", self.last_error)
        # Go's omitempty never omits a time.Time: an unset one is written as the zero time.
        out["error_time"] = ZERO_TIME if self.error_time is None else format_timestamp(self.error_time)
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkerState:
        task = data.get("current_task")
        error_time = parse_timestamp(data["error_time"]) if "error_time" in data else None
        return cls(version=data["version"], name=data["name"], container_id=data.get("container_id", ""),
                   status=data["status"], ip=data.get("ip", ""),
                   current_task=TaskRef.from_dict(task) if task is not None else None,
                   current_branch=data.get("current_branch", ""), started_at=parse_timestamp(data["started_at"]),
                   last_activity=parse_timestamp(data["last_activity"]), last_error=data.get("last_error", ""),
                   error_time=None if error_time is None or is_zero(error_time) else error_time,
                   extra=_extra(data, cls._FIELDS))


@dataclass(kw_only=True)
class TaskAssignment:
    """The task the Go isollm's worker manager gave a worker (``.isollm/tasks/<worker>.json``,
    internal/worker TaskState). Read, never written, by the toolkit; ``claimed_at`` is None
    for Go's zero time (no claim)."""

    worker_name: str
    task_id: str = ""
    branch: str = ""
    claimed_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    _FIELDS = ("version", "worker_name", "task_id", "branch", "claimed_at")

    def to_dict(self) -> dict[str, Any]:
        """The JSON the Go isollm writes for it (``omitempty`` strings left out, the zero time for no claim)."""
        out: dict[str, Any] = {"worker_name": self.worker_name}
        _put(out, "task_id", self.task_id)
        _put(out, "branch", self.branch)
        out["claimed_at"] = ZERO_TIME if self.claimed_at is None else format_timestamp(self.claimed_at)
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskAssignment:
        claimed_at = parse_timestamp(data["claimed_at"])
        return cls(worker_name=data["worker_name"], task_id=data.get("task_id", ""), branch=data.get("branch", ""),
                   claimed_at=None if is_zero(claimed_at) else claimed_at, extra=_extra(data, cls._FIELDS))


@dataclass
class TaskLoadResult:
    """Every task file that loaded, and one error (with its file's path) for each that did not."""

    tasks: list[TaskAssignment] = field(default_factory=list)
    errors: list[StateError] = field(default_factory=list)


@dataclass
class LoadResult:
    """Every worker that loaded, and one error (with its file's path) for each that did not."""

    workers: list[WorkerState] = field(default_factory=list)
    errors: list[StateError] = field(default_factory=list)
