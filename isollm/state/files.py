"""``FileState``: the state store on disk, one JSON file per record.

    <state_dir>/session.json
    <state_dir>/workers/<name>.json

Every write is validated first and lands atomically and durably (see
``isollm.io.atomic``); every read is validated after parsing. Temporary files
start with '.', so listings skip a write in progress.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from isollm.io.atomic import atomic_create, atomic_write, fsync_directory
from isollm.errors import InvalidStateError, Issue, NoSessionError, SessionExistsError, StateError, \
    ValidationError, WorkerNotFoundError
from isollm.io.bounded_read import NotRegularFileError, SymlinkRefusedError, read_at_most
from isollm.state.codec import TITLES, decode_state, encode_state, located
from isollm.state.names import check_worker_name
from isollm.state.process import session_alive, stamp_session
from isollm.state.types import CURRENT_WORKER_VERSION, LoadResult, Session, WorkerState

SESSION_FILE = "session.json"
WORKERS_DIR = "workers"
SUFFIX = ".json"
MAX_FILE_BYTES = 1 << 20  # state files are a few hundred bytes; anything huge is not ours


def _read(path: Path, kind: str) -> bytes:
    """The file's bytes. A symlink planted at a state path is refused, not followed, and a
    pipe or device is refused rather than read (it could block or never end)."""
    try:
        raw = read_at_most(path, MAX_FILE_BYTES + 1, follow_symlinks=False)
    except (SymlinkRefusedError, NotRegularFileError, IsADirectoryError) as error:
        # Not a file this store wrote: reported against the file, like one it cannot parse.
        message = "is a directory, not a file" if isinstance(error, IsADirectoryError) else str(error.strerror)
        raise InvalidStateError([Issue(message, keyword="file")], path=str(path), title=TITLES[kind]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidStateError([Issue(f"file is larger than {MAX_FILE_BYTES} bytes", keyword="size")],
                                path=str(path), title=TITLES[kind])
    return raw


def _write(path: Path, data: bytes, *, create: bool = False) -> None:
    """Write atomically, making the directory on first use; an OS failure becomes a ``StateError``."""
    write = atomic_create if create else atomic_write
    try:
        try:
            write(path, data)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            write(path, data)
    except FileExistsError:
        raise
    except OSError as error:
        raise StateError(f"{path}: cannot write: {error.strerror or error}") from error


def _unlink(path: Path) -> bool:
    """Remove ``path``; False if it was already gone. An OS failure becomes a ``StateError``."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    except OSError as error:
        raise StateError(f"{path}: cannot remove: {error.strerror or error}") from error
    return True


def _sync(directory: Path) -> None:
    try:
        fsync_directory(directory)
    except OSError as error:
        raise StateError(f"{directory}: cannot sync: {error.strerror or error}") from error


class FileState:
    """The state of one project, kept in ``state_dir`` (normally ``<project>/.isollm``)."""

    def __init__(self, state_dir: str | os.PathLike[str]) -> None:
        self.state_dir = Path(state_dir)
        self.session_path = self.state_dir / SESSION_FILE
        self.workers_dir = self.state_dir / WORKERS_DIR

    @classmethod
    def for_project(cls, project_root: str | os.PathLike[str]) -> FileState:
        """The store in ``<project_root>/.isollm``. The toolkit makes that directory itself, so a
        symlink there was planted (a repository can commit one despite .gitignore): refused."""
        from isollm.config import STATE_DIR

        state_dir = Path(project_root) / STATE_DIR
        if os.path.islink(state_dir):
            raise StateError(f"{state_dir}: is a symbolic link; refusing to keep state through it")
        return cls(state_dir)

    def __repr__(self) -> str:
        return f"FileState({str(self.state_dir)!r})"

    def worker_path(self, name: str) -> Path:
        """Where worker ``name`` is kept; the name is checked first, so it cannot leave the directory."""
        path = self.workers_dir / (check_worker_name(name) + SUFFIX)
        self._refuse_linked_workers_dir()
        return path

    def _refuse_linked_workers_dir(self) -> None:
        """The store makes ``workers/`` itself, so a symlink there was planted (a cloned repository
        can carry one): following it would let ``delete_worker`` and ``clear_all_workers`` remove
        ``*.json`` files anywhere."""
        if os.path.islink(self.workers_dir):
            raise StateError(f"{self.workers_dir}: is a symbolic link; refusing to keep worker state through it")

    # -- session ---------------------------------------------------------

    def create_session(self, session: Session) -> None:
        """Create ``session.json``; ``SessionExistsError`` if it exists. Sets the version and
        records the orchestrator's identity on ``session``."""
        stamp_session(session, creating=True)
        data = encode_state("session", session.to_dict(), path=str(self.session_path))
        try:
            _write(self.session_path, data, create=True)
        except FileExistsError:
            raise SessionExistsError() from None

    def save_session(self, session: Session) -> None:
        stamp_session(session, creating=False)
        _write(self.session_path, encode_state("session", session.to_dict(), path=str(self.session_path)))

    def load_session(self) -> Session:
        try:
            raw = _read(self.session_path, "session")
        except FileNotFoundError:
            raise NoSessionError() from None
        except OSError as error:
            raise StateError(f"{self.session_path}: cannot read: {error.strerror}") from error
        return Session.from_dict(decode_state("session", raw, path=str(self.session_path)))

    def clear_session(self) -> None:
        if _unlink(self.session_path):
            _sync(self.state_dir)

    def has_active_session(self) -> bool:
        """A session exists and its orchestrator runs; a dead or reused PID means stale (False)."""
        try:
            session = self.load_session()
        except NoSessionError:
            return False
        return session_alive(session)

    # -- workers ---------------------------------------------------------

    def save_worker(self, worker: WorkerState) -> None:
        """Write ``worker``'s file (validated, atomic, durable). Sets its version."""
        path = self.worker_path(worker.name)
        worker.version = CURRENT_WORKER_VERSION
        _write(path, encode_state("worker", worker.to_dict(), path=str(path)))

    def load_worker(self, name: str) -> WorkerState:
        path = self.worker_path(name)
        try:
            raw = _read(path, "worker")
        except FileNotFoundError:
            raise WorkerNotFoundError(name) from None
        except OSError as error:
            raise StateError(f"{path}: cannot read: {error.strerror}") from error
        return self._worker_from(raw, path, name)

    @staticmethod
    def _worker_from(raw: bytes, path: Path, name: str) -> WorkerState:
        worker = WorkerState.from_dict(decode_state("worker", raw, path=str(path)))
        if worker.name != name:
            issue = located(raw, f'worker name "{worker.name}" does not match the file name {path.name}',
                            "/name", "name")
            raise InvalidStateError([issue], path=str(path), title=TITLES["worker"])
        return worker

    def _worker_files(self) -> list[os.DirEntry[str]]:
        self._refuse_linked_workers_dir()
        try:
            with os.scandir(self.workers_dir) as entries:
                return sorted((e for e in entries if e.name.endswith(SUFFIX) and not e.name.startswith(".")),
                              key=lambda e: e.name)
        except FileNotFoundError:
            return []
        except OSError as error:
            raise StateError(f"{self.workers_dir}: cannot list: {error.strerror}") from error

    def load_all_workers(self) -> LoadResult:
        """Every worker file that loads, and one error (naming the file) for each that does not."""
        result = LoadResult()
        for entry in self._worker_files():
            path = Path(entry.path)
            try:
                name = check_worker_name(entry.name[:-len(SUFFIX)])
                result.workers.append(self._worker_from(_read(path, "worker"), path, name))
            except FileNotFoundError:
                continue  # deleted since the listing
            except InvalidStateError as error:
                result.errors.append(error)
            except (OSError, StateError) as error:
                message = error.strerror if isinstance(error, OSError) else str(error)
                result.errors.append(InvalidStateError([Issue(f"cannot read: {message}", keyword="read")],
                                                       path=str(path), title=TITLES["worker"]))
            except ValidationError as error:  # a file name that is no worker name
                result.errors.append(InvalidStateError(error.issues, path=str(path), title=TITLES["worker"]))
        return result

    def delete_worker(self, name: str) -> None:
        if _unlink(self.worker_path(name)):
            _sync(self.workers_dir)

    def clear_all_workers(self) -> None:
        """Remove every worker file. The directory stays, so a concurrent writer never loses it."""
        removed = False
        for entry in self._worker_files():
            removed = _unlink(Path(entry.path)) or removed
        if removed:
            _sync(self.workers_dir)

    def remove_stale_temp_files(self, *, older_than: float = 3600.0) -> list[Path]:
        """Delete temporary files left by writers that died mid-write (older than ``older_than`` s)."""
        removed = []
        cutoff = time.time() - older_than
        for directory in (self.state_dir, self.workers_dir):
            try:
                entries = list(os.scandir(directory))
            except FileNotFoundError:
                continue
            for entry in entries:
                if not (entry.name.startswith(".") and entry.name.endswith(".tmp")):
                    continue
                try:
                    stale = entry.is_file() and entry.stat().st_mtime < cutoff
                except FileNotFoundError:
                    continue  # its writer finished meanwhile
                if stale and _unlink(Path(entry.path)):
                    removed.append(Path(entry.path))
        return removed
