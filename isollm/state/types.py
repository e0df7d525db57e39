"""The state records: a session, a worker and its task, with their JSON forms.

``to_dict`` produces exactly the JSON the Go isollm writes: the fields in Go's order (as declared
here), ``omitempty`` fields left out when empty, Go's zero time for an unset time Go never omits;
``from_dict`` reads a dict the schema has accepted. Fields a newer isollm added are kept in ``extra``.
Timestamps are RFC 3339 as Go's ``time.Time`` writes them; a parsed one remembers its nanoseconds,
so a file written by the Go isollm round-trips byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any

from isollm.errors import StateError
from isollm.schema.formats import as_whole, rfc3339_parts
from isollm.schema.loader import load_schema
from isollm.state.codec import current_version

if TYPE_CHECKING:
    from typing_extensions import Self  # typing's from Python 3.11

ZERO_TIME = "0001-01-01T00:00:00Z"
now = partial(datetime.now, timezone.utc)  # a new timestamp field's default


class Timestamp(datetime):
    """A timezone-aware ``datetime`` that also remembers its nanoseconds (0-999 beyond the microsecond)."""

    nanosecond: int = 0


def parse_timestamp(text: str) -> datetime:
    """A ``Timestamp`` from RFC 3339 text the schema accepted; by hand, as Python 3.10's ``fromisoformat``
    refuses ``Z`` and a fraction past microseconds."""
    match = rfc3339_parts(text)
    digits = (match["fraction"] or "")[:9].ljust(9, "0")
    if match["sign"]:
        offset = timedelta(hours=int(match["zhour"]), minutes=int(match["zminute"]))
        zone = timezone(-offset if match["sign"] == "-" else offset)
    else:
        zone = timezone.utc
    value = Timestamp(int(match["year"]), int(match["month"]), int(match["day"]), int(match["hour"]),
                      int(match["minute"]), int(match["second"]), int(digits[:6]), tzinfo=zone)
    value.nanosecond = int(digits[6:])
    return value


def format_timestamp(value: Any) -> Any:
    """Go's ``time.RFC3339Nano`` text: fraction without trailing zeros, ``Z`` for a zero offset. A naive
    ``datetime`` is local time, as Python takes it; a value that is no ``datetime`` is left for the schema."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.astimezone()
    if (value.utcoffset() or timedelta(0)) % timedelta(minutes=1):
        # RFC 3339 offsets have no seconds (a historical zone such as +00:53:28): the same
        # instant in UTC, rather than an offset cut to the minute naming another instant.
        value = value.astimezone(timezone.utc)
    nanos = value.microsecond * 1000 + (getattr(value, "nanosecond", 0) % 1000)
    text = datetime.isoformat(value.replace(microsecond=0, tzinfo=None))
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    # isoformat ends with the offset as RFC 3339 writes it (+HH:MM): it has no seconds here.
    return text + ("Z" if not value.utcoffset() else datetime.isoformat(value)[-6:])


CURRENT_SESSION_VERSION: int = current_version("session")
CURRENT_WORKER_VERSION: int = current_version("worker")

# How a field is written (dataclass field metadata):
_OMIT = {"omitempty": True}  # Go's omitempty: left out when "" or None
_TIME = {"time": True}  # an RFC 3339 timestamp
_ZERO = {"time": True, "zero": True}  # a time Go writes as its zero time when unset (None here)
_TASK = {"omitempty": True, "task": True}  # a TaskRef
_NOT_JSON = ("extra", "migrated_from")


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


def _as_enum(kind: type[Enum], value: Any) -> Any:
    # An unknown value stays as given, for validation to report in the schema's words.
    try:
        return kind(value)
    except ValueError:
        return value


@dataclass(kw_only=True)
class _Record:
    """``to_dict`` and ``from_dict`` for a record dataclass, read from its fields' metadata."""

    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.name in _NOT_JSON or (spec.metadata.get("omitempty") and (value is None or value == "")):
                continue
            if spec.metadata.get("zero") and value is None:
                value = ZERO_TIME
            elif spec.metadata.get("time"):
                value = format_timestamp(value)
            elif isinstance(value, (Enum, _Record)):
                value = value.to_dict() if isinstance(value, _Record) else value.value
            out[spec.name] = value
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], **options: Any) -> Self:
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name in _NOT_JSON or spec.name not in data:
                continue  # a field left out keeps its default
            value = data[spec.name]
            if spec.metadata.get("time"):
                value = parse_timestamp(value)
                if spec.metadata.get("zero") and format_timestamp(value) == ZERO_TIME:
                    value = None
            elif spec.metadata.get("task") and value is not None:
                value = TaskRef.from_dict(value)
            values[spec.name] = value
        known = {"version", *values}
        values["extra"] = {k: v for k, v in data.items() if k not in known}
        return cls(**values, **options)


@dataclass(kw_only=True)
class TaskRef(_Record):
    """A cache of the task a worker is on (airyra is the source of truth)."""

    id: str
    title: str
    claimed_at: datetime = field(default_factory=now, metadata=_TIME)


@dataclass(kw_only=True)
class Session(_Record):
    """The running session. ``pid_start_time`` and ``boot_id`` tell the orchestrator apart from a
    later process that reused its PID; ``project``, ``workers``, ``airyra_port`` and ``base_branch``
    are what the Go ``isollm up`` records (version 0). ``migrated_from`` is the older version the
    record was read from. A session from ``isollm up``'s file records no process (``pid`` 0,
    ``pid_recorded`` False): saving it writes the current version, where pid 0 means "not
    running", so set ``pid`` first if it runs."""

    version: int = CURRENT_SESSION_VERSION
    status: SessionStatus
    started_at: datetime = field(default_factory=now, metadata=_TIME)
    pid: int
    project_root: str
    bare_repo_path: str = ""
    zellij_session: str = ""
    pid_start_time: int | None = field(default=None, metadata=_OMIT)
    boot_id: str = field(default="", metadata=_OMIT)
    project: str = field(default="", metadata=_OMIT)
    workers: list[str] | None = field(default=None, metadata=_OMIT)
    airyra_port: int | None = field(default=None, metadata=_OMIT)
    base_branch: str = field(default="", metadata=_OMIT)
    migrated_from: int | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.status = _as_enum(SessionStatus, self.status)
        # 1.0 is a whole number (JSON Schema agrees) but no PID: kept as the int it stands for.
        self.pid, self.pid_start_time, self.version, self.airyra_port = map(
            as_whole, (self.pid, self.pid_start_time, self.version, self.airyra_port))

    @property
    def pid_recorded(self) -> bool:
        """Whether the file named the orchestrator's process (its version's schema requires a ``pid``)."""
        if self.migrated_from is None:
            return True
        described = load_schema("session").get("$defs", {}).get(f"version{self.migrated_from}")
        return described is None or "pid" in described.get("required", [])


@dataclass(kw_only=True)
class WorkerState(_Record):
    """The state of one worker; ``error_time`` is None when there was no error."""

    version: int = CURRENT_WORKER_VERSION
    name: str
    container_id: str = field(default="", metadata=_OMIT)
    status: WorkerStatus
    ip: str = field(default="", metadata=_OMIT)
    current_task: TaskRef | None = field(default=None, metadata=_TASK)
    current_branch: str = field(default="", metadata=_OMIT)
    started_at: datetime = field(default_factory=now, metadata=_TIME)
    last_activity: datetime = field(default_factory=now, metadata=_TIME)
    last_error: str = field(default="", metadata=_OMIT)
    error_time: datetime | None = field(default=None, metadata=_ZERO)

    def __post_init__(self) -> None:
        self.status = _as_enum(WorkerStatus, self.status)
        self.version = as_whole(self.version)


@dataclass(kw_only=True)
class TaskAssignment(_Record):
    """The task the Go isollm's worker manager gave a worker (``tasks/<worker>.json``, internal/worker
    TaskState); read, never written. ``claimed_at`` is None for Go's zero time (no claim)."""

    worker_name: str
    task_id: str = field(default="", metadata=_OMIT)
    branch: str = field(default="", metadata=_OMIT)
    claimed_at: datetime | None = field(default=None, metadata=_ZERO)


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
