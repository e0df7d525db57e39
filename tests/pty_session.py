"""Run the real ``isollm`` on a pseudo-terminal, for the commands that talk to a person."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import _env


def spawn_isollm(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[Any, Any]:
    """(the pexpect module, a child running ``python -m isollm ARGS`` with a terminal as stdin)."""
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "isollm", *args], cwd=str(cwd), env=_env(env),
                          encoding="utf-8", timeout=30, preexec_fn=_as_a_terminal_starts_it)
    return pexpect, child


def _as_a_terminal_starts_it() -> None:
    """Ctrl-C and Ctrl-\\ as an interactive shell leaves them for a command it starts: on.

    The suite itself may run with them ignored (started with ``&`` by a shell without job
    control, as a script or a CI runner may do), and a child inherits an ignored signal;
    isollm rightly leaves an ignored Ctrl-C ignored, so a test of Ctrl-C would then hang.
    """
    for name in ("SIGINT", "SIGQUIT"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)
