"""Files the defensive way: bounded reads of regular files only, and atomic, durable writes.

A FIFO would block a reader forever, a device stream without end, a symlink planted at a
state file point anywhere: ``O_NONBLOCK`` lets a FIFO's open return so its type is checked,
``O_NOFOLLOW`` refuses a symlink where none is followed. A write goes (the pre-commit way) to
a unique, fsynced temporary file beside the target, renamed over it (or, to create, hard-linked,
which fails if it exists), then the directory is fsynced: readers see the old file or the new
one, complete. Each step names its file relative to one open descriptor of the directory
(``*_at``), so a directory swapped for a symlink meanwhile cannot send it elsewhere.
"""

from __future__ import annotations

import contextlib
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


class NotRegularFileError(OSError):
    """The path is a pipe, socket or device."""


class SymlinkRefusedError(OSError):
    """The path is a symbolic link where none is followed."""


def read_at_most(path: str | os.PathLike[str], limit: int, *, follow_symlinks: bool = True,
                 dir_fd: int | None = None) -> bytes:
    """Up to ``limit`` bytes of the regular file at ``path`` (pass limit + 1 to detect 'too large')."""
    fd = open_regular(path, follow_symlinks=follow_symlinks, dir_fd=dir_fd)
    try:
        return read_open(fd, limit)
    finally:
        os.close(fd)


def open_regular(path: str | os.PathLike[str], *, follow_symlinks: bool = True, dir_fd: int | None = None,
                 flags: int = os.O_RDONLY) -> int:
    """A descriptor (the caller closes it) of the regular file at ``path``, opened with ``flags``
    (``O_CREAT`` makes it 0o666 less the umask). A directory, a pipe or device, or (unless
    ``follow_symlinks``) a symlink is refused."""
    flags |= getattr(os, "O_NONBLOCK", 0) | _CLOEXEC | (0 if follow_symlinks else _NOFOLLOW)
    try:
        fd = os.open(path, flags, 0o666, dir_fd=dir_fd)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_symlinks and _is_symlink(path, dir_fd):
            raise SymlinkRefusedError(errno.ELOOP, "is a symbolic link (not followed)", os.fspath(path)) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(errno.EINVAL, "not a regular file (a pipe, socket or device)",
                                      os.fspath(path))
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_open(fd: int, limit: int) -> bytes:
    with open(fd, "rb", closefd=False) as handle:  # a buffered read reads until ``limit`` or the end
        return handle.read(limit)


def _is_symlink(path: str | os.PathLike[str], dir_fd: int | None) -> bool:
    try:
        return stat.S_ISLNK(os.stat(path, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def open_own_directory(name: str | os.PathLike[str], dir_fd: int | None = None, *, create: bool = False) -> int | None:
    """A descriptor of a directory the toolkit makes itself (``.isollm`` and below), made with its
    parents when missing and ``create``, else None. A symlink there was planted: it is refused
    (ELOOP), as a file is (ENOTDIR), so later steps relative to the descriptor use what was checked."""
    try:
        try:
            return os.open(name, NOFOLLOW_DIRECTORY_FLAGS, dir_fd=dir_fd)
        except FileNotFoundError:
            if not create:
                return None
        with contextlib.suppress(FileExistsError):  # made by a concurrent writer (or planted: the open says so)
            if dir_fd is None:
                os.makedirs(name)
            else:
                os.mkdir(name, dir_fd=dir_fd)
        return os.open(name, NOFOLLOW_DIRECTORY_FLAGS, dir_fd=dir_fd)
    except OSError as error:
        if error.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        if _is_symlink(name, dir_fd):
            raise OSError(errno.ELOOP, f"{os.fspath(name)} is a symbolic link (not followed)") from None
        raise OSError(errno.ENOTDIR, f"{os.fspath(name)} is not a directory") from None


def write_all(fd: int, data: bytes) -> None:
    """All of ``data`` to ``fd`` (``os.write`` may write less than it is given)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_new(dir_fd: int, name: str, data: bytes, mode: int, durable: bool) -> None:
    """Create ``name`` holding ``data`` (``FileExistsError`` if anything is there); removed again on failure."""
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
    """The name of a complete temporary copy ``.NAME.RANDOM.tmp`` of ``data`` (unique, as mkstemp's)."""
    for _ in range(_TEMP_ATTEMPTS):
        temp_name = f".{name}.{os.urandom(6).hex()}.tmp"
        try:
            _write_new(dir_fd, temp_name, data, mode, durable)
        except FileExistsError:
            continue
        return temp_name
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", name)


def _unlink_quietly(dir_fd: int, name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name, dir_fd=dir_fd)


def atomic_write_at(dir_fd: int, name: str, data: bytes, *, mode: int = 0o644, durable: bool = True,
                    create: bool = False) -> None:
    """Replace ``name`` in the open directory ``dir_fd`` with ``data``: readers see the old or the new
    file. With ``create``, only create it, complete before the name appears: ``FileExistsError`` if
    any entry is there (a dangling symlink too)."""
    temp_name = _write_temp(dir_fd, name, data, mode, durable)
    try:
        if create:
            try:
                os.link(temp_name, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
            except OSError as error:
                if isinstance(error, FileExistsError) or error.errno not in _NO_LINKS:
                    raise
                _write_new(dir_fd, name, data, mode, durable)
        else:
            os.replace(temp_name, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    finally:
        _unlink_quietly(dir_fd, temp_name)  # after the rename: already gone
    if durable:
        os.fsync(dir_fd)


def atomic_write(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o644, durable: bool = True,
                 create: bool = False) -> None:
    directory, name = os.path.split(os.fspath(path))
    dir_fd = os.open(directory or ".", DIRECTORY_FLAGS)
    try:
        atomic_write_at(dir_fd, name, data, mode=mode, durable=durable, create=create)
    finally:
        os.close(dir_fd)
