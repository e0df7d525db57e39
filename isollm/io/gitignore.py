"""Keeping the runtime state directory out of git: one ``.gitignore`` entry, added once."""

from __future__ import annotations

import os
from pathlib import Path

from isollm.config import STATE_DIR
from isollm.io.bounded_read import read_at_most

ENTRY = f"{STATE_DIR}/"
_READ_LIMIT = 64 * 1024 * 1024  # far beyond any real .gitignore
# Spellings git treats as ignoring the state directory at the project root.
_EQUIVALENT = {STATE_DIR, f"{STATE_DIR}/", f"/{STATE_DIR}", f"/{STATE_DIR}/"}


def has_entry(content: bytes) -> bool:
    """Whether ``content`` (a .gitignore) already ignores the state directory."""
    for raw in content.splitlines():
        line = raw.decode("utf-8", "replace").strip()
        if line in _EQUIVALENT:
            return True
    return False


def ensure_ignored(directory: str | os.PathLike[str]) -> bool:
    """Add ``.isollm/`` to ``directory/.gitignore`` unless it is there; True if the file changed.

    The file's own line ending (LF or CRLF) is kept, and a last line without a
    newline is ended first. Appending (rather than rewriting) keeps the user's
    bytes, mode and symlinks exactly as they were.
    """
    path = Path(directory) / ".gitignore"
    try:
        # A FIFO or device here would block or stream forever: only a regular file is read.
        content = read_at_most(path, _READ_LIMIT)
    except FileNotFoundError:
        content = b""
    if has_entry(content):
        return False
    newline = b"\r\n" if b"\r\n" in content else b"\n"
    addition = b""
    if content and not content.endswith(b"\n"):
        addition += newline
    addition += ENTRY.encode("ascii") + newline
    with open(path, "ab") as handle:
        handle.write(addition)
    return True
