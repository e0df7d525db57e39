"""The ``State`` interface, so callers can test against ``MemoryState``."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from isollm.state.types import LoadResult, Session, WorkerState


@runtime_checkable
class State(Protocol):
    """The plan's state operations; ``FileState`` and ``MemoryState`` implement it."""

    def create_session(self, session: Session) -> None:
        """Create the session; ``SessionExistsError`` if there is one."""

    def save_session(self, session: Session) -> None:
        """Write the session (replacing the previous one)."""

    def load_session(self) -> Session:
        """The session; ``NoSessionError`` if there is none."""

    def clear_session(self) -> None:
        """Remove the session, if any."""

    def has_active_session(self) -> bool:
        """Whether there is a session and its orchestrator is still running (or may be:
        a session whose file records no process counts as active)."""

    def save_worker(self, worker: WorkerState) -> None:
        """Write one worker's state."""

    def load_worker(self, name: str) -> WorkerState:
        """One worker's state; ``WorkerNotFoundError`` if there is none."""

    def load_all_workers(self) -> LoadResult:
        """Every worker that loads, and an error for each that does not."""

    def delete_worker(self, name: str) -> None:
        """Remove one worker's state, if any."""

    def clear_all_workers(self) -> None:
        """Remove every worker's state."""
