"""Atomic, durable file replacement and creation, the pre-commit way.

A unique temporary file in the target's own directory (so two writers never
share one, and the rename never crosses file systems), written and fsynced,
then renamed over the target (or, to create, hard-linked to it, which fails
if the target exists), then the directory fsynced so the new name itself
survives a crash. On any failure the temporary file is removed and the
previous content of the target is untouched. Readers see the old file or the
new one, complete, never a mix and never an empty file.

Every step names its file relative to one open descriptor of the directory
(``*_at``), so a directory swapped for a symlink halfway through cannot send
the temporary file, the rename or the sync anywhere else. The path forms
open the target's directory once and hand over to them.
"""

from __future__ import annotations

import errno
import os
import stat

# File systems without hard links: creation falls back to O_EXCL, which is
# exclusive but briefly shows an empty file to a reader.
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS}
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
DIRECTORY_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC
# For a directory the toolkit makes itself (.isollm and below): a symlink there was planted.
NOFOLLOW_DIRECTORY_FLAGS = DIRECTORY_FLAGS | _NOFOLLOW
_TEMP_ATTEMPTS = 100


def open_own_directory(name: str | os.PathLike[str], dir_fd: int | None = None, *, create: bool = False) -> int | None:
    """A descriptor of the directory ``name`` (relative to ``dir_fd``), one the toolkit makes itself
    (``.isollm`` and below): made first, with its parents, when it is missing and ``create``;
    None when it is missing otherwise.

    Opened without following a symlink (one there was planted), so every later step, relative
    to the descriptor, uses what was checked however the path changes meanwhile. A symlink or
    a file there is an ``OSError`` (ELOOP or ENOTDIR) saying which.
    """
    try:
        try:
            return os.open(name, NOFOLLOW_DIRECTORY_FLAGS, dir_fd=dir_fd)
        except FileNotFoundError:
            if not create:
                return None
        try:
            if dir_fd is None:
                os.makedirs(name)
            else:
                os.mkdir(name, dir_fd=dir_fd)
        except FileExistsError:
            pass  # made by a concurrent writer (or planted: the open below says so)
        return os.open(name, NOFOLLOW_DIRECTORY_FLAGS, dir_fd=dir_fd)
    except OSError as error:
        if error.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        try:
            linked = stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
        except OSError:
            linked = False
        if linked:
            raise OSError(errno.ELOOP, f"{os.fspath(name)} is a symbolic link (not followed)") from None
        raise OSError(errno.ENOTDIR, f"{os.fspath(name)} is not a directory") from None


def write_all(fd: int, data: bytes) -> None:
    """All of ``data`` to ``fd`` (``os.write`` may write less than it is given)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_new(dir_fd: int, name: str, data: bytes, mode: int, durable: bool) -> None:
    """Create ``name`` in the directory holding ``data`` (``FileExistsError`` if anything is there);
    on any failure after its creation it is removed again."""
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=dir_fd)
    try:
        try:
            write_all(fd, data)
            os.fchmod(fd, mode)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        _unlink_quietly(dir_fd, name)
        raise


def _write_temp(dir_fd: int, name: str, data: bytes, mode: int, durable: bool) -> str:
    """A complete, fsynced temporary copy ``.NAME.RANDOM.tmp`` of ``data`` beside ``name`` (unique, as
    mkstemp makes one); its name."""
    for _ in range(_TEMP_ATTEMPTS):
        temp_name = f".{name}.{os.urandom(6).hex()}.tmp"
        try:
            _write_new(dir_fd, temp_name, data, mode, durable)
        except FileExistsError:
            continue
        return temp_name
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", name)


def _unlink_quietly(dir_fd: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        pass


def atomic_write_at(dir_fd: int, name: str, data: bytes, *, mode: int = 0o644, durable: bool = True) -> None:
    """Replace ``name`` in the open directory ``dir_fd`` with ``data``: readers see the old or the new file."""
    temp_name = _write_temp(dir_fd, name, data, mode, durable)
    try:
        os.replace(temp_name, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        _unlink_quietly(dir_fd, temp_name)
        raise
    if durable:
        os.fsync(dir_fd)


def atomic_create_at(dir_fd: int, name: str, data: bytes, *, mode: int = 0o644, durable: bool = True) -> None:
    """Create ``name`` in the open directory ``dir_fd`` holding ``data``; ``FileExistsError`` if it exists
    (any entry counts, a dangling symlink too).

    The content is complete before the name appears (``link`` of a finished
    temporary file), so no reader ever sees the file empty or half written.
    """
    temp_name = _write_temp(dir_fd, name, data, mode, durable)
    try:
        try:
            os.link(temp_name, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
        except OSError as error:
            if isinstance(error, FileExistsError) or error.errno not in _NO_LINKS:
                raise
            _write_new(dir_fd, name, data, mode, durable)
    finally:
        _unlink_quietly(dir_fd, temp_name)
    if durable:
        os.fsync(dir_fd)


def _in_directory_of(path: str | os.PathLike[str], write: str, data: bytes, mode: int, durable: bool) -> None:
    directory, name = os.path.split(os.fspath(path))
    dir_fd = os.open(directory or ".", DIRECTORY_FLAGS)
    try:
        (atomic_create_at if write == "create" else atomic_write_at)(dir_fd, name, data, mode=mode,
                                                                       durable=durable)
    finally:
        os.close(dir_fd)


def atomic_write(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o644, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never a mix."""
    _in_directory_of(path, "write", data, mode, durable)


def atomic_create(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o644, durable: bool = True) -> None:
    """Create ``path`` holding ``data``; ``FileExistsError`` if anything (even a dangling link) is there."""
    _in_directory_of(path, "create", data, mode, durable)
