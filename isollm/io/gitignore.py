"""Keeping the runtime state directory out of git: one ``.gitignore`` entry, added once."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from isollm.config import STATE_DIR
from isollm.io.atomic import write_all
from isollm.io.bounded_read import NotRegularFileError, SymlinkRefusedError, read_at_most

ENTRY = f"{STATE_DIR}/"
_READ_LIMIT = 64 * 1024 * 1024  # far beyond any real .gitignore
# Spellings git treats as ignoring the state directory at the project root.
_EQUIVALENT = {STATE_DIR, f"{STATE_DIR}/", f"/{STATE_DIR}", f"/{STATE_DIR}/"}


def has_entry(content: bytes) -> bool:
    """Whether ``content`` (a .gitignore) already ignores the state directory."""
    return any(line.decode("utf-8", "replace").strip() in _EQUIVALENT for line in content.splitlines())


class GitignoreIsSymlinkError(SymlinkRefusedError):
    """``.gitignore`` is a symbolic link: git does not read it, and it is not written through."""


def ensure_ignored(directory: str | os.PathLike[str]) -> bool:
    """Add ``.isollm/`` to ``directory/.gitignore`` unless it is there; True if the file changed.

    The file's own line ending (LF or CRLF) is kept, and a last line without a
    newline is ended first. Appending (rather than rewriting) keeps the user's
    bytes and mode exactly as they were.

    A ``.gitignore`` that is a symbolic link is neither read nor written
    (``GitignoreIsSymlinkError``): git itself refuses to follow one (since 2.32),
    and following it would append to, or create, a file anywhere. Both opens use
    ``O_NOFOLLOW``, so a link swapped in meanwhile is refused too.
    """
    path = Path(directory) / ".gitignore"
    try:
        # A FIFO or device here would block or stream forever: only a regular file is read.
        content = read_at_most(path, _READ_LIMIT, follow_symlinks=False)
    except FileNotFoundError:
        content = b""
    except SymlinkRefusedError:
        raise GitignoreIsSymlinkError(errno.ELOOP, "is a symbolic link", str(path)) from None
    if has_entry(content):
        return False
    newline = b"\r\n" if b"\r\n" in content else b"\n"
    # A last line without a newline is ended first.
    addition = (newline if content and not content.endswith(b"\n") else b"") + ENTRY.encode("ascii") + newline
    flags = (os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
             | getattr(os, "O_CLOEXEC", 0))
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as error:
        if error.errno == errno.ELOOP and os.path.islink(path):
            raise GitignoreIsSymlinkError(errno.ELOOP, "is a symbolic link", str(path)) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFileError(errno.EINVAL, "not a regular file (a pipe, socket or device)", str(path))
        write_all(fd, addition)
    finally:
        os.close(fd)
    return True
