"""Keeping the runtime state directory out of git: one ``.gitignore`` entry, added once."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from isollm.config import STATE_DIR
from isollm.io.atomic import SymlinkRefusedError, open_regular, read_at_most, write_all

ENTRY = f"{STATE_DIR}/"
_READ_LIMIT = 64 * 1024 * 1024  # far beyond any real .gitignore
# Spellings git treats as ignoring the state directory at the project root.
_EQUIVALENT = {STATE_DIR, f"{STATE_DIR}/", f"/{STATE_DIR}", f"/{STATE_DIR}/"}


class GitignoreIsSymlinkError(SymlinkRefusedError):
    """``.gitignore`` is a symbolic link: git does not read it, and it is not written through."""


def ensure_ignored(directory: str | os.PathLike[str]) -> bool:
    """Add ``.isollm/`` to ``directory/.gitignore`` unless it is there; True if the file changed.

    Appended in the file's own line ending, so the user's bytes and mode stay as they were. Only
    a regular file is read or written; a symbolic link (``GitignoreIsSymlinkError``), which git
    refuses to follow since 2.32, is refused by both opens, so one swapped in meanwhile is too.
    """
    path = Path(directory) / ".gitignore"
    try:
        try:
            content = read_at_most(path, _READ_LIMIT, follow_symlinks=False)
        except FileNotFoundError:
            content = b""
        if any(line.decode("utf-8", "replace").strip() in _EQUIVALENT for line in content.splitlines()):
            return False
        newline = b"\r\n" if b"\r\n" in content else b"\n"
        addition = (newline if content and not content.endswith(b"\n") else b"") + ENTRY.encode("ascii") + newline
        fd = open_regular(path, follow_symlinks=False, flags=os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    except SymlinkRefusedError:
        raise GitignoreIsSymlinkError(errno.ELOOP, "is a symbolic link", str(path)) from None
    try:
        write_all(fd, addition)
    finally:
        os.close(fd)
    return True
