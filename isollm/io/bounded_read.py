"""Reading a small file safely: only a regular file, never more than a limit.

A FIFO at a config or state path would block a reader forever, a device such
as /dev/zero streams without end, and a symlink planted at a state file could
point anywhere. ``O_NONBLOCK`` lets the open of a FIFO return so that its type
can be checked; ``O_NOFOLLOW`` refuses a symlink where one must not be followed.
"""

from __future__ import annotations

import errno
import os
import stat


class NotRegularFileError(OSError):
    """The path is a pipe, socket or device."""


class SymlinkRefusedError(OSError):
    """The path is a symbolic link where none is followed."""


def read_at_most(path: str | os.PathLike[str], limit: int, *, follow_symlinks: bool = True,
                 dir_fd: int | None = None) -> bytes:
    """Up to ``limit`` bytes of the regular file at ``path`` (pass limit + 1 to detect 'too large');
    ``path`` relative to the open directory ``dir_fd`` when one is given."""
    fd = open_regular(path, follow_symlinks=follow_symlinks, dir_fd=dir_fd)
    try:
        return read_open(fd, limit)
    finally:
        os.close(fd)


def open_regular(path: str | os.PathLike[str], *, follow_symlinks: bool = True, dir_fd: int | None = None) -> int:
    """A read-only descriptor of the regular file at ``path``; the caller closes it. A directory,
    a pipe or device, or (unless ``follow_symlinks``) a symlink is refused."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
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
    """Up to ``limit`` bytes from the open file ``fd``."""
    chunks = []
    remaining = limit
    while remaining > 0:
        chunk = os.read(fd, remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _is_symlink(path: str | os.PathLike[str], dir_fd: int | None) -> bool:
    try:
        return stat.S_ISLNK(os.stat(path, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False
