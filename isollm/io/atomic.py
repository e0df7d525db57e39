"""Atomic, durable file replacement and creation, the pre-commit way.

A unique temporary file in the target's own directory (so two writers never
share one, and the rename never crosses file systems), written and fsynced,
then renamed over the target (or, to create, hard-linked to it, which fails
if the target exists), then the directory fsynced so the new name itself
survives a crash. On any failure the temporary file is removed and the
previous content of the target is untouched. Readers see the old file or the
new one, complete, never a mix and never an empty file.
"""

from __future__ import annotations

import errno
import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path

# File systems without hard links: creation falls back to O_EXCL, which is
# exclusive but briefly shows an empty file to a reader.
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS}


def fsync_directory(directory: str | os.PathLike[str]) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_temp(target: Path, data: bytes, mode: int, durable: bool) -> str:
    """A complete, fsynced temporary copy of ``data`` beside ``target``; its name."""
    import tempfile  # here, not at the top: readers (the hook) never write and need not load it

    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        try:
            _write_all(fd, data)
            os.fchmod(fd, mode)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        _unlink_quietly(temp_name)
        raise
    return temp_name


def _unlink_quietly(name: str) -> None:
    try:
        os.unlink(name)
    except FileNotFoundError:
        pass


def atomic_write(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o644, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never a mix."""
    from pathlib import Path  # here: the hook imports this module but never writes

    target = Path(path)
    temp_name = _write_temp(target, data, mode, durable)
    try:
        os.replace(temp_name, target)
    except BaseException:
        _unlink_quietly(temp_name)
        raise
    if durable:
        fsync_directory(target.parent)


def atomic_create(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o644, durable: bool = True) -> None:
    """Create ``path`` holding ``data``; ``FileExistsError`` if it exists.

    The content is complete before the name appears (``link`` of a finished
    temporary file), so no reader ever sees the file empty or half written.
    """
    from pathlib import Path  # here: the hook imports this module but never writes

    target = Path(path)
    temp_name = _write_temp(target, data, mode, durable)
    try:
        try:
            os.link(temp_name, target)
        except OSError as error:
            if isinstance(error, FileExistsError) or error.errno not in _NO_LINKS:
                raise
            _create_exclusive(target, data, mode, durable)
    finally:
        _unlink_quietly(temp_name)
    if durable:
        fsync_directory(target.parent)


def _create_exclusive(target: Path, data: bytes, mode: int, durable: bool) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        _write_all(fd, data)
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink_quietly(str(target))
        raise
    os.close(fd)
