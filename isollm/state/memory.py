"""The ``State`` interface, and ``MemoryState``, an implementation for callers' tests: same validation, no files."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from isollm.errors import NoSessionError, SessionExistsError, WorkerNotFoundError
from isollm.state.codec import check_worker_name, decode_state, encode_state
from isollm.state.process import session_alive, stamp_session
from isollm.state.types import CURRENT_WORKER_VERSION, LoadResult, Session, WorkerState


@runtime_checkable
class State(Protocol):
    """The plan's state operations, which ``FileState`` and ``MemoryState`` implement: ``create_session`` raises
    ``SessionExistsError``, ``load_session`` ``NoSessionError``, ``load_worker`` ``WorkerNotFoundError``."""

    def create_session(self, session: Session) -> None: ...
    def save_session(self, session: Session) -> None: ...
    def load_session(self) -> Session: ...
    def clear_session(self) -> None: ...
    def has_active_session(self) -> bool: ...
    def save_worker(self, worker: WorkerState) -> None: ...
    def load_worker(self, name: str) -> WorkerState: ...
    def load_all_workers(self) -> LoadResult: ...
    def delete_worker(self, name: str) -> None: ...
    def clear_all_workers(self) -> None: ...


class MemoryState:
    """Holds the encoded records, so every save is validated and every load returns a fresh copy."""

    def __init__(self) -> None:
        self._session: bytes | None = None
        self._workers: dict[str, bytes] = {}

    def create_session(self, session: Session) -> None:
        stamp_session(session, creating=True)
        data = encode_state("session", session.to_dict())
        if self._session is not None:
            raise SessionExistsError()
        self._session = data

    def save_session(self, session: Session) -> None:
        stamp_session(session, creating=False)
        self._session = encode_state("session", session.to_dict())

    def load_session(self) -> Session:
        if self._session is None:
            raise NoSessionError()
        return Session.from_dict(decode_state("session", self._session)[0])

    def clear_session(self) -> None:
        self._session = None

    def has_active_session(self) -> bool:
        return self._session is not None and session_alive(self.load_session())

    def save_worker(self, worker: WorkerState) -> None:
        name = check_worker_name(worker.name)
        worker.version = CURRENT_WORKER_VERSION
        self._workers[name] = encode_state("worker", worker.to_dict())

    def load_worker(self, name: str) -> WorkerState:
        data = self._workers.get(check_worker_name(name))
        if data is None:
            raise WorkerNotFoundError(name)
        return WorkerState.from_dict(decode_state("worker", data)[0])

    def load_all_workers(self) -> LoadResult:
        return LoadResult([self.load_worker(name) for name in sorted(self._workers)])

    def delete_worker(self, name: str) -> None:
        self._workers.pop(check_worker_name(name), None)

    def clear_all_workers(self) -> None:
        self._workers.clear()
