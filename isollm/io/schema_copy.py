"""The project's copy of the config schema, for editors: ``.isollm/isollm.schema.json``.

``isollm init`` heads ``isollm.yaml`` with ``# yaml-language-server:
$schema=.isollm/isollm.schema.json``. yaml-language-server (VS Code, Neovim,
Helix, Zed...) resolves a relative modeline against the YAML file's own
directory and reads the file from disk, so completion, hovers and diagnostics
work with no network and no settings, and the committed file names no path of
one machine. The copy itself is not committed (``.isollm/`` is ignored): every
command that finds the project, and ``validate`` (so the pre-commit hook) for
each config whose modeline names the copy, rewrites it when its bytes differ
from the installed schema, so it follows the installed isollm.

Keeping the copy is a courtesy, never a reason to fail: a copy that cannot be
written is a warning. It is written relative to an open descriptor of
``.isollm`` opened without following links, so a planted or swapped-in symlink
never sends the write elsewhere. The current copy costs one read and a byte
comparison: no parser, no temporary file.
"""

from __future__ import annotations

import os
import re

from isollm.errors import Issue
from isollm.io.atomic import DIRECTORY_FLAGS, atomic_write_at, open_own_directory, read_at_most
from isollm.names import SCHEMA_COPY, STATE_DIR
from isollm.schema.loader import schema_bytes

_COPY_NAME = os.path.basename(SCHEMA_COPY)
_HEAD_BYTES = 64 * 1024  # the modeline must come before any content: far more than any header
# yaml-language-server 1.25's own tests (services/modelineUtil): '#', whitespace, then
# 'yaml-language-server:' (or '$schema:'); the value runs to the next whitespace.
_MODELINE = re.compile(r"#\s+(?:yaml-language-server\s*:|\$schema:)")
_MODELINE_VALUE = re.compile(r"\$schema(?:=|:[^\S\r\n]*)(\S+)")
# What `isollm init` wrote before the schema copy: a branch URL that was never published.
_UNPUBLISHED = "https://raw.githubusercontent.com/isollm/isollm-toolkit/main/"


def modeline_schema(raw: bytes) -> tuple[str, int] | None:
    """The ``$schema`` a YAML document's modeline names, and its line; None without one.

    Only the comments before the first content count (``---`` and ``%`` directives
    may come first), as in yaml-language-server 1.25.
    """
    text = raw[:_HEAD_BYTES].decode("utf-8", "replace").lstrip("\ufeff")
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line == "---" or line.startswith("%"):
            continue
        if not line.startswith("#"):
            return None
        if _MODELINE.match(line):
            value = _MODELINE_VALUE.search(line)
            return (value.group(1), number) if value else None
    return None


def modeline_issues(raw: bytes) -> list[Issue]:
    """A warning for a modeline naming the unpublished URL an earlier ``isollm init`` wrote."""
    found = modeline_schema(raw)
    if found is None or not found[0].startswith(_UNPUBLISHED):
        return []
    return [Issue(f"the schema line names {found[0]}, which is not published, so editors cannot "
                  f"load it; replace the line with '# yaml-language-server: $schema={SCHEMA_COPY}'",
                  "", found[1], 1, "modeline", severity="warning")]


def _current(state_fd: int, schema: bytes) -> bool:
    try:
        return read_at_most(_COPY_NAME, len(schema) + 1, follow_symlinks=False, dir_fd=state_fd) == schema
    except OSError:
        return False  # missing, a link, a directory...: replacing it says what is wrong, if anything


def refresh(directory: str | os.PathLike[str]) -> str | None:
    """Make ``directory/.isollm/isollm.schema.json`` the installed schema, byte for byte.

    Returns None when the copy is current (or was made so), else a one-line warning.
    """
    schema = schema_bytes("config")
    try:
        root_fd = os.open(os.fspath(directory) or ".", DIRECTORY_FLAGS)
        try:
            state_fd = open_own_directory(STATE_DIR, root_fd, create=True)
            assert state_fd is not None  # made when missing
            try:
                if not _current(state_fd, schema):
                    atomic_write_at(state_fd, _COPY_NAME, schema, durable=False)
            finally:
                os.close(state_fd)
        finally:
            os.close(root_fd)
    except OSError as error:
        shown = os.path.relpath(os.path.join(os.fspath(directory), SCHEMA_COPY))
        return f"{shown}: warning: the editor's schema copy was not refreshed: {error.strerror or error}"
    return None


def refresh_for_config(config_path: str | os.PathLike[str], raw: bytes | None = None) -> str | None:
    """``refresh`` the copy beside a config whose modeline names it; None when there is nothing to do.

    ``raw``: the config's bytes, if the caller read them already. A config that cannot be
    read is left to the command that reads it to report.
    """
    try:
        head = read_at_most(config_path, _HEAD_BYTES) if raw is None else raw
    except OSError:
        return None
    found = modeline_schema(head)
    # Only a modeline naming the copy by its relative path.
    if found is None or found[0].startswith(("/", "file:", "http")) or os.path.normpath(found[0]) != SCHEMA_COPY:
        return None
    return refresh(os.path.dirname(os.fspath(config_path)) or ".")
