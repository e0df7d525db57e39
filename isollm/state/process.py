"""Is the orchestrator recorded in a session still running?

A PID alone can lie: after the orchestrator dies the kernel may hand its PID to
an unrelated process, and after a reboot every PID is new. The session
records the process's start time (field 22 of ``/proc/<pid>/stat``, clock ticks
since boot) and the boot ID; when both sides are known and differ, the
session is stale. Where ``/proc`` is missing, or the session (from the Go
isollm) lacks them, the PID decides alone; a PID <= 0 (the Go isollm's
"no process") is not running, as its isProcessAlive says.

The session file of the Go ``isollm up`` names no process at all, so whether
its session runs cannot be told: its liveness is ``UNKNOWN``.
"""

from __future__ import annotations

import os
from enum import Enum
from typing import NamedTuple

from isollm.state.types import CURRENT_SESSION_VERSION, Session

_BOOT_ID = "/proc/sys/kernel/random/boot_id"


class ProcessInfo(NamedTuple):
    state: str
    start_time: int


def process_info(pid: int) -> ProcessInfo | None:
    """State letter and start time of ``pid`` from ``/proc``; None if unknown or gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    fields = raw[raw.rfind(b")") + 2:].split()
    try:
        return ProcessInfo(fields[0].decode("ascii", "replace"), int(fields[19]))
    except (IndexError, ValueError):
        return None


def boot_id() -> str | None:
    try:
        with open(_BOOT_ID, encoding="ascii") as handle:
            return handle.read().strip() or None
    except (OSError, ValueError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process (not a zombie) has this PID."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, owned by someone else
    except OSError:
        return False
    info = process_info(pid)
    return info is None or info.state not in ("Z", "X")


def is_same_process(pid: int, start_time: int | None, recorded_boot_id: str | None) -> bool:
    """Whether ``pid`` is alive and is the process recorded (as far as can be told)."""
    if not pid_alive(pid):
        return False
    if recorded_boot_id:
        current = boot_id()
        if current is not None and current != recorded_boot_id:
            return False
    if start_time is not None:
        info = process_info(pid)
        if info is not None and info.start_time != start_time:
            return False
    return True


class Liveness(str, Enum):
    """Whether a session's orchestrator runs: ``live``, ``stale`` (it is gone) or ``unknown``."""

    LIVE = "live"
    STALE = "stale"
    UNKNOWN = "unknown"


def session_liveness(session: Session) -> Liveness:
    """``UNKNOWN`` for a session whose file records no process; else whether that process runs."""
    if not session.pid_recorded:
        return Liveness.UNKNOWN
    alive = is_same_process(session.pid, session.pid_start_time, session.boot_id or None)
    return Liveness.LIVE if alive else Liveness.STALE


def session_alive(session: Session) -> bool:
    """Whether the session may still be running: live, or unknown.

    A session whose liveness cannot be told counts as running, so that nothing
    starts over (or removes) a session that may be in use; only a session known
    to be stale is not.
    """
    return session_liveness(session) is not Liveness.STALE


def stamp_session(session: Session, *, creating: bool) -> None:
    """Set the current version and, where it can be known, the orchestrator's identity.

    On create the PID is taken to name the orchestrator now; on a later save
    only when it is this very process, so a session loaded from a Go file is
    never stamped with the identity of whatever process reuses its PID.
    """
    session.version = CURRENT_SESSION_VERSION
    if session.pid_start_time is not None or isinstance(session.pid, bool) or not isinstance(session.pid, int):
        return
    if (creating and pid_alive(session.pid)) or session.pid == os.getpid():
        info = process_info(session.pid)
        if info is not None:
            session.pid_start_time = info.start_time
            session.boot_id = session.boot_id or boot_id() or ""
