"""Atomic, durable file replacement, the pre-commit way.

A unique temporary file in the target's own directory (so two writers never
share one, and the rename never crosses file systems), flushed and fsynced,
renamed over the target, then the directory fsynced so the rename itself
survives a crash. On any failure the temporary file is removed and the
previous content of the target is untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def fsync_directory(directory: str | os.PathLike[str]) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o644, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never a mix."""
    target = Path(path)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise
    if durable:
        fsync_directory(target.parent)
