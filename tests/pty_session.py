"""Run the real ``isollm`` on a pseudo-terminal, for the commands that talk to a person."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import _env


def spawn_isollm(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[Any, Any]:
    """(the pexpect module, a child running ``python -m isollm ARGS`` with a terminal as stdin)."""
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "isollm", *args], cwd=str(cwd), env=_env(env),
                          encoding="utf-8", timeout=30)
    return pexpect, child
