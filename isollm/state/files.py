"""``FileState``: the state store on disk, one JSON file per record.

    <state_dir>/session.json
    <state_dir>/workers/<name>.json
    <state_dir>/tasks/<worker>.json    (written by the Go isollm's worker manager; read only)

Every write is validated first and lands atomically and durably (``isollm.io.atomic``); every
read is validated after parsing. Temporary files start with '.', so listings skip a write in progress.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from isollm.names import STATE_DIR
from isollm.errors import InvalidStateError, NoSessionError, SessionExistsError, StateError, \
    ValidationError, WorkerNotFoundError
from isollm.io.atomic import NotRegularFileError, SymlinkRefusedError, atomic_write_at, \
    open_own_directory, open_regular, read_open
from isollm.state.codec import TITLES, check_worker_name, decode_state, encode_state, invalid, located
from isollm.state.process import session_alive, stamp_session
from isollm.state.types import CURRENT_SESSION_VERSION, CURRENT_WORKER_VERSION, LoadResult, Session, \
    TaskAssignment, TaskLoadResult, WorkerState

SESSION_FILE = "session.json"
WORKERS_DIR = "workers"
TASKS_DIR = "tasks"
_KEPT_IN = {WORKERS_DIR: "worker state", TASKS_DIR: "task files"}  # for the messages
SUFFIX = ".json"
GO_TEMP_SUFFIX = SUFFIX + ".tmp"  # the Go isollm's saveJSON writes NAME.json.tmp, then renames it
MAX_FILE_BYTES = 1 << 20  # state files are a few hundred bytes; anything huge is not ours
_REMOVE_ATTEMPTS = 5  # a session replaced this often while being removed is left for the user

Record = TypeVar("Record", WorkerState, TaskAssignment)
# The field of a worker or task file that must name the worker its file is named after, as messages call it.
_NAMED_BY = {"worker": ("name", "worker name"), "task": ("worker_name", "worker_name")}


def _reason(error: OSError) -> str:
    return str(error.strerror or error)


def _open_or_make(shown: Path, name: str | Path, dir_fd: int | None, what: str, create: bool) -> int | None:
    """``open_own_directory``, its refusals said as ``StateError``s."""
    try:
        return open_own_directory(name, dir_fd, create=create)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise StateError(f"{shown}: is a symbolic link; refusing to keep {what} through it") from None
        if error.errno == errno.ENOTDIR:
            raise StateError(f"{shown}: is not a directory") from None
        raise StateError(f"{shown}: cannot {'make or ' if create else ''}open: {_reason(error)}") from error


@contextmanager
def _opened(dir_fd: int, name: str, path: Path, kind: str) -> Iterator[tuple[bytes, int]]:
    """The bytes of the file and its descriptor, held open. A symlink planted at a state path is refused, not
    followed, and a pipe or device rather than read (it could block or never end)."""
    try:
        fd = open_regular(name, follow_symlinks=False, dir_fd=dir_fd)
    except (SymlinkRefusedError, NotRegularFileError, IsADirectoryError) as error:
        # Not a file this store wrote: reported against the file, like one it cannot parse.
        message = "is a directory, not a file" if isinstance(error, IsADirectoryError) else str(error.strerror)
        raise invalid(kind, path, message, "file") from None
    try:
        raw = read_open(fd, MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise invalid(kind, path, f"file is larger than {MAX_FILE_BYTES} bytes", "size")
        yield raw, fd
    finally:
        os.close(fd)


def _identity(info: os.stat_result) -> tuple[int, int, int, int]:
    # Size and mtime change on an in-place write; not ctime, which moving the file aside changes.
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def _unlink(dir_fd: int, name: str, path: Path) -> bool:
    """Remove ``name`` (a symlink itself, never followed); False if it was already gone."""
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        return False
    except OSError as error:
        raise StateError(f"{path}: cannot remove: {_reason(error)}") from error
    return True


def _sync(dir_fd: int, directory: Path) -> None:
    try:
        os.fsync(dir_fd)
    except OSError as error:
        raise StateError(f"{directory}: cannot sync: {_reason(error)}") from error


def _is_stale_temp(dir_fd: int, name: str, cutoff: float) -> bool:
    """A temporary file older than ``cutoff`` (a regular file, not a link): ours (``.NAME.RANDOM.tmp``)
    or the Go isollm's (``NAME.json.tmp``), which a writer that crashed before its rename leaves."""
    if not ((name.startswith(".") and name.endswith(".tmp")) or name.endswith(GO_TEMP_SUFFIX)):
        return False
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False  # its writer finished meanwhile
    return stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff


def _names(fd: int, directory: Path) -> list[str]:
    try:
        return sorted(os.listdir(fd))
    except OSError as error:
        raise StateError(f"{directory}: cannot list: {_reason(error)}") from error


def _json_files(fd: int, directory: Path) -> list[str]:
    return [name for name in _names(fd, directory) if name.endswith(SUFFIX) and not name.startswith(".")]


def _load_each(fd: int | None, directory: Path, kind: str,
               record_type: type[Record]) -> tuple[list[Record], list[StateError]]:
    """Each ``<worker name>.json`` in ``directory`` read as a ``record_type``: the records, and an
    ``InvalidStateError`` naming the file for each that does not load."""
    records: list[Record] = []
    errors: list[StateError] = []
    if fd is None:
        return records, errors
    for file_name in _json_files(fd, directory):
        path = directory / file_name
        try:
            name = check_worker_name(file_name[:-len(SUFFIX)])
            with _opened(fd, file_name, path, kind) as (raw, _):
                records.append(_named_record(record_type, kind, raw, path, name))
        except FileNotFoundError:
            continue  # deleted since the listing
        except InvalidStateError as error:
            errors.append(error)
        except OSError as error:
            errors.append(invalid(kind, path, f"cannot read: {_reason(error)}", "read"))
        except ValidationError as error:  # a file name that is no worker name
            errors.append(InvalidStateError(error.issues, path=str(path), title=TITLES[kind]))
    return records, errors


def _named_record(record_type: type[Record], kind: str, raw: bytes, path: Path, name: str) -> Record:
    record = record_type.from_dict(decode_state(kind, raw, path=str(path))[0])
    field, label = _NAMED_BY[kind]
    if getattr(record, field) != name:
        message = f'{label} "{getattr(record, field)}" does not match the file name {path.name}'
        raise InvalidStateError([located(raw, message, f"/{field}", "name")], path=str(path), title=TITLES[kind])
    return record


class FileState:
    """The state of one project, kept in ``state_dir`` (normally ``<project>/.isollm``). The store makes
    its directories itself, so a symlink there was planted (a cloned repository can carry one): refused,
    never followed. Each operation opens a directory once (``O_NOFOLLOW``) and names files relative to it.
    """

    def __init__(self, state_dir: str | os.PathLike[str]) -> None:
        self.state_dir = Path(state_dir)
        self.session_path = self.state_dir / SESSION_FILE
        self.workers_dir = self.state_dir / WORKERS_DIR
        self.tasks_dir = self.state_dir / TASKS_DIR

    @classmethod
    def for_project(cls, project_root: str | os.PathLike[str]) -> FileState:
        """The store in ``<project_root>/.isollm``; a (planted) symlink there is refused now, and by every operation."""
        state_dir = Path(project_root) / STATE_DIR
        if os.path.islink(state_dir):
            raise StateError(f"{state_dir}: is a symbolic link; refusing to keep state through it")
        return cls(state_dir)

    def __repr__(self) -> str:
        return f"FileState({str(self.state_dir)!r})"

    def worker_path(self, name: str) -> Path:
        """Where worker ``name`` is kept; the name is checked first, so it cannot leave the directory."""
        return self.workers_dir / (check_worker_name(name) + SUFFIX)

    def task_path(self, name: str) -> Path:
        return self.tasks_dir / (check_worker_name(name) + SUFFIX)

    @contextmanager
    def _directory(self, name: str = "", *, create: bool = False) -> Iterator[int | None]:
        """A descriptor of the state directory, or of its subdirectory ``name`` opened inside the
        state directory's descriptor (each made first when ``create``); None if there is none."""
        with ExitStack() as opened:
            fd = _open_or_make(self.state_dir, self.state_dir, None, "state", create)
            if fd is not None and name:
                opened.callback(os.close, fd)
                fd = _open_or_make(self.state_dir / name, name, fd, _KEPT_IN[name], create)
            if fd is not None:
                opened.callback(os.close, fd)
            yield fd

    def _read_file(self, directory: str, path: Path, kind: str) -> bytes | None:  # None: either is missing
        with self._directory(directory) as fd:
            if fd is None:
                return None
            try:
                with _opened(fd, path.name, path, kind) as (raw, _):
                    return raw
            except FileNotFoundError:
                return None
            except OSError as error:
                raise StateError(f"{path}: cannot read: {_reason(error)}") from error

    def _save(self, directory: str, path: Path, kind: str, record: Session | WorkerState, *,
              create: bool = False) -> None:
        """Write ``record``, validated first; an OS failure becomes a ``StateError`` (but ``create``'s
        ``FileExistsError``, for the caller to word)."""
        data = encode_state(kind, record.to_dict(), path=str(path))
        with self._directory(directory, create=True) as fd:
            assert fd is not None
            try:
                atomic_write_at(fd, path.name, data, create=create)
            except OSError as error:
                if create and isinstance(error, FileExistsError):
                    raise
                raise StateError(f"{path}: cannot write: {_reason(error)}") from error

    def _remove(self, directory: str, path: Path) -> None:
        with self._directory(directory) as fd:
            if fd is not None and _unlink(fd, path.name, path):
                _sync(fd, path.parent)

    def create_session(self, session: Session) -> None:
        """Create ``session.json``; ``SessionExistsError`` if it exists. Stamps ``session`` (``stamp_session``)."""
        stamp_session(session, creating=True)
        try:
            self._save("", self.session_path, "session", session, create=True)
        except FileExistsError:
            raise SessionExistsError(f"session already exists: {self.session_path} (if its orchestrator "
                                     "is not running, 'isollm state clean' removes it)") from None

    def save_session(self, session: Session) -> None:
        stamp_session(session, creating=False)
        self._save("", self.session_path, "session", session)

    def load_session(self) -> Session:
        """The session; an older file (``isollm up``'s too) is migrated in memory, left as it is on disk."""
        raw = self._read_file("", self.session_path, "session")
        if raw is None:
            raise NoSessionError()
        return self._session_from(raw)

    def _session_from(self, raw: bytes) -> Session:
        data, written = decode_state("session", raw, path=str(self.session_path))
        return Session.from_dict(data, migrated_from=written if written != CURRENT_SESSION_VERSION else None)

    def clear_session(self) -> None:
        """Remove ``session.json``, whatever it holds (``remove_session_if`` removes a judged one)."""
        self._remove("", self.session_path)

    def remove_session_if(self, removable: Callable[[Session], bool]) -> tuple[Session | None, bool]:
        """The session (None if there is none) and whether it was removed: removed only when
        ``removable(session)`` says so, and then only the very file that was judged.

        A writer may replace ``session.json`` between the read and the removal (an orchestrator
        starting over a stale session): unlinking the path would delete the live session. So the
        identity of the file judged is taken from its descriptor (held open, its inode cannot be
        reused); whatever is at the path is renamed aside (one atomic step) and compared: the same
        file is unlinked, another (the writer's) is hard-linked back (a link never replaces a file
        written meanwhile) and judged again. Readers may find no session for that instant; none is lost.
        """
        for _ in range(_REMOVE_ATTEMPTS):
            with self._directory() as dir_fd:
                if dir_fd is None:
                    return None, False
                try:
                    with _opened(dir_fd, SESSION_FILE, self.session_path, "session") as (raw, fd):
                        judged = _identity(os.fstat(fd))
                        session = self._session_from(raw)
                        if not removable(session):
                            return session, False
                        if self._remove_if_same(dir_fd, judged):
                            return session, True
                except FileNotFoundError:
                    return None, False
                except OSError as error:
                    raise StateError(f"{self.session_path}: cannot read: {_reason(error)}") from error
        raise StateError(f"{self.session_path}: replaced again and again while it was being removed; "
                         "left as it is")

    def _remove_if_same(self, dir_fd: int, judged: tuple[int, int, int, int]) -> bool:
        """Remove ``session.json`` if it is still the file ``judged``; False (and nothing lost) if not."""
        aside = f".{SESSION_FILE}.{os.urandom(6).hex()}.removing"
        aside_path = self.state_dir / aside
        try:
            os.rename(SESSION_FILE, aside, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except FileNotFoundError:
            return False  # removed meanwhile (by another clean): read again, and find none
        except OSError as error:
            raise StateError(f"{self.session_path}: cannot remove: {_reason(error)}") from error
        try:
            moved = _identity(os.stat(aside, dir_fd=dir_fd, follow_symlinks=False))
        except OSError as error:
            raise StateError(f"{self.session_path}: moved aside to {aside_path}, which cannot be "
                             f"checked: {_reason(error)}; check it by hand") from error
        if moved != judged:  # another session: put back, then the aside name goes
            try:
                os.link(aside, SESSION_FILE, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
            except FileExistsError:
                # Yet another session was written meanwhile; which one is meant cannot be told here.
                raise StateError(f"{self.session_path}: replaced while it was being removed, twice; the session "
                                 f"moved aside is kept as {aside_path}: check it and remove it by hand") from None
            except OSError as error:
                kept = f"the session moved aside cannot be put back ({_reason(error)}): it is kept as {aside_path}"
                raise StateError(f"{self.session_path}: replaced while it was being removed, and {kept}") from error
        _unlink(dir_fd, aside, aside_path)
        _sync(dir_fd, self.state_dir)
        return moved == judged

    def has_active_session(self) -> bool:
        """A session exists and its orchestrator runs (or may: see ``session_alive``)."""
        try:
            return session_alive(self.load_session())
        except NoSessionError:
            return False

    def save_worker(self, worker: WorkerState) -> None:
        path = self.worker_path(worker.name)
        worker.version = CURRENT_WORKER_VERSION
        self._save(WORKERS_DIR, path, "worker", worker)

    def load_worker(self, name: str) -> WorkerState:
        path = self.worker_path(name)
        raw = self._read_file(WORKERS_DIR, path, "worker")
        if raw is None:
            raise WorkerNotFoundError(name)
        return _named_record(WorkerState, "worker", raw, path, name)

    def load_all_workers(self) -> LoadResult:
        with self._directory(WORKERS_DIR) as fd:
            return LoadResult(*_load_each(fd, self.workers_dir, "worker", WorkerState))

    def delete_worker(self, name: str) -> None:
        self._remove(WORKERS_DIR, self.worker_path(name))

    def clear_all_workers(self) -> None:
        """Remove every worker file. The directory stays, so a concurrent writer never loses it."""
        with self._directory(WORKERS_DIR) as fd:
            if fd is None:
                return
            removed = False
            for file_name in _json_files(fd, self.workers_dir):
                removed = _unlink(fd, file_name, self.workers_dir / file_name) or removed
            if removed:
                _sync(fd, self.workers_dir)

    def load_task(self, name: str) -> TaskAssignment | None:
        path = self.task_path(name)
        raw = self._read_file(TASKS_DIR, path, "task")
        return None if raw is None else _named_record(TaskAssignment, "task", raw, path, name)

    def load_all_tasks(self) -> TaskLoadResult:
        with self._directory(TASKS_DIR) as fd:
            return TaskLoadResult(*_load_each(fd, self.tasks_dir, "task", TaskAssignment))

    def remove_stale_temp_files(self, *, older_than: float = 3600.0) -> list[Path]:
        """Delete temporary files left by writers that died mid-write (older than ``older_than`` s)."""
        cutoff = time.time() - older_than
        removed = []
        for name, directory in (("", self.state_dir), (WORKERS_DIR, self.workers_dir)):
            with self._directory(name) as fd:
                if fd is None:
                    continue
                for entry in _names(fd, directory):
                    if _is_stale_temp(fd, entry, cutoff) and _unlink(fd, entry, directory / entry):
                        removed.append(directory / entry)
        return removed
