"""Shared fixtures: run the real CLI and hook as subprocesses against this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "examples"

# In CI, a test skipped for a missing dependency fails (see tests/dependencies.py).
pytest_plugins = ["tests.dependencies"]

Runner = Callable[..., "subprocess.CompletedProcess[str]"]


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


def _runner(module: str) -> Runner:
    def run(*args: str, cwd: str | os.PathLike[str] | None = None, input: str | None = None,
            env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        # Never the terminal pytest runs in: a command that asks questions on a terminal
        # (init, config edit) must behave as in CI, not wait for an answer.
        return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=cwd,
                              input=input if input is not None else "",
                              env=_env(env), capture_output=True, text=True, timeout=timeout)
    return run


@pytest.fixture
def isollm() -> Runner:
    """``isollm(*args, cwd=..., input=..., env=...)`` runs ``python -m isollm`` from this checkout."""
    return _runner("isollm")


@pytest.fixture
def hook() -> Runner:
    """Runs the pre-commit hook's entry point (``isollm-validate``)."""
    return _runner("isollm.cli.hook")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--soak-seconds", type=float, default=None,
                     help="how long the state soak test runs (default: $ISOLLM_SOAK_SECONDS or 5)")


@pytest.fixture
def soak_seconds(request: pytest.FixtureRequest) -> float:
    """The soak test's duration: --soak-seconds, else $ISOLLM_SOAK_SECONDS, else 5 seconds."""
    option = request.config.getoption("--soak-seconds")
    return float(option if option is not None else os.environ.get("ISOLLM_SOAK_SECONDS", "5"))
