"""Is the orchestrator recorded in a session still running?

A PID alone can lie: the kernel may give a dead orchestrator's PID to another process, and a
reboot renews every PID. So a session records the process's start time (``/proc/<pid>/stat``
field 22) and the boot ID; where either side lacks them (no ``/proc``, a Go isollm's session) the
PID decides alone, and a PID <= 0 (Go's "no process") is not running.
"""

from __future__ import annotations

import os
from enum import Enum
from typing import NamedTuple

from isollm.state.types import CURRENT_SESSION_VERSION, Session


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
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip() or None
    except (OSError, ValueError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process (not a zombie) has this PID."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:
        pass  # it exists, owned by someone else
    except OSError:  # ProcessLookupError: there is none
        return False
    info = process_info(pid)
    return info is None or info.state not in ("Z", "X")


class Liveness(str, Enum):
    """Whether a session's orchestrator runs: ``live``, ``stale`` (it is gone) or ``unknown``."""

    LIVE = "live"
    STALE = "stale"
    UNKNOWN = "unknown"


def session_liveness(session: Session) -> Liveness:
    if not session.pid_recorded:
        return Liveness.UNKNOWN
    if not pid_alive(session.pid):
        return Liveness.STALE
    current_boot = boot_id() if session.boot_id else None
    if current_boot is not None and current_boot != session.boot_id:
        return Liveness.STALE
    info = process_info(session.pid) if session.pid_start_time is not None else None
    return Liveness.STALE if info is not None and info.start_time != session.pid_start_time else Liveness.LIVE


def session_alive(session: Session) -> bool:
    """Live or unknown: only a session known to be stale may be started over or removed."""
    return session_liveness(session) is not Liveness.STALE


def stamp_session(session: Session, *, creating: bool) -> None:
    """Set the current version and, where it can be known, the orchestrator's identity: on create
    the PID is taken to name it; on a later save only when it is this very process, so a session
    loaded from a Go file is never stamped with whatever process reuses its PID."""
    session.version = CURRENT_SESSION_VERSION
    if session.pid_start_time is not None or isinstance(session.pid, bool) or not isinstance(session.pid, int):
        return
    if (creating and pid_alive(session.pid)) or session.pid == os.getpid():
        info = process_info(session.pid)
        if info is not None:
            session.pid_start_time = info.start_time
            session.boot_id = session.boot_id or boot_id() or ""
