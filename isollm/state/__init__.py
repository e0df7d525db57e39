"""The runtime state of an isollm project: the session and one record per worker, validated on every
write and read, written atomically and durably, safe for concurrent use, readable by the Go isollm and back."""

from __future__ import annotations

from isollm.errors import InvalidStateError, NoSessionError, SessionExistsError, StateError, WorkerNotFoundError
from isollm.state.codec import MIGRATIONS
from isollm.state.files import FileState
from isollm.state.memory import MemoryState, State
from isollm.state.process import Liveness, session_liveness
from isollm.state.types import CURRENT_SESSION_VERSION, CURRENT_WORKER_VERSION, LoadResult, Session, SessionStatus, \
    TaskAssignment, TaskLoadResult, TaskRef, WorkerState, WorkerStatus

__all__ = [
    "CURRENT_SESSION_VERSION", "CURRENT_WORKER_VERSION", "FileState", "InvalidStateError", "Liveness", "LoadResult",
    "MIGRATIONS", "MemoryState", "NoSessionError", "Session", "SessionExistsError", "SessionStatus", "State",
    "StateError", "TaskAssignment", "TaskLoadResult", "TaskRef", "WorkerNotFoundError", "WorkerState",
    "WorkerStatus", "session_liveness",
]
