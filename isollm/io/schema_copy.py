"""The project's copy of the config schema, for editors: ``.isollm/isollm.schema.json``.

``isollm init`` heads ``isollm.yaml`` with a ``# yaml-language-server: $schema=`` modeline
naming it; yaml-language-server resolves that against the YAML file's directory, so editors
complete and check offline and the committed file names no path of one machine. The copy is
not committed: every command that finds the project, and ``validate`` for a config whose
modeline names it, rewrites it when its bytes differ from the installed schema (one read and
a comparison when current). A copy that cannot be written is a warning, never a failure; it
is written through a descriptor of ``.isollm`` opened without following links.
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
    """The ``$schema`` a modeline in the comments before the first content names, and its line."""
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
    """Make ``directory/.isollm/isollm.schema.json`` the installed schema; a one-line warning if it cannot."""
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
    """``refresh`` the copy beside a config (``raw``: its bytes, if read already) whose modeline names it."""
    try:
        head = read_at_most(config_path, _HEAD_BYTES) if raw is None else raw
    except OSError:
        return None
    found = modeline_schema(head)
    # Only a modeline naming the copy by its relative path.
    if found is None or found[0].startswith(("/", "file:", "http")) or os.path.normpath(found[0]) != SCHEMA_COPY:
        return None
    return refresh(os.path.dirname(os.fspath(config_path)) or ".")
