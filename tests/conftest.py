"""Shared fixtures: run the real CLI and hook against this checkout, in-process or as subprocesses.

``isollm`` and ``hook`` call the entry points' ``main(argv)`` in this process through the one
in-process runner (``tests/inprocess.py``): the working directory, environment and standard
streams are those of a fresh process for the length of the call.
``isollm_process`` and ``hook_process`` start a real interpreter, for what only a process
shows: what it imports, its start-up, resource limits, real stdio encodings, signals.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from tests import inprocess

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "examples"

# In CI, a test skipped for a missing dependency fails (see tests/dependencies.py).
pytest_plugins = ["tests.dependencies"]

Runner = Callable[..., Any]  # returns (returncode, stdout, stderr) by those names

# The entry point each fixture runs: (module for ``python -m``, module whose main(argv) runs in-process).
ENTRIES = {"isollm": ("isollm", "isollm.cli.launch"), "hook": ("isollm.cli.hook", "isollm.cli.hook")}


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


def _process_runner(module: str) -> Runner:
    def run(*args: Any, cwd: str | os.PathLike[str] | None = None, input: str | None = None,
            env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        # Never the terminal pytest runs in: a command that asks questions on a terminal
        # (init, config edit) must behave as in CI, not wait for an answer.
        return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=cwd,
                              input=input if input is not None else "",
                              env=_env(env), capture_output=True, text=True, timeout=timeout)
    return run


@pytest.fixture
def isollm() -> Runner:
    """``isollm(*args, cwd=..., input=..., env=..., timeout=...)`` runs ``isollm`` in this process.

    Returns (returncode, stdout, stderr), named as in the ``CompletedProcess`` of ``isollm_process``;
    stdin is ``input`` (never a terminal). The runner is ``tests/inprocess.py``.
    """
    return functools.partial(inprocess.run, ENTRIES["isollm"][1])


@pytest.fixture
def hook() -> Runner:
    """Runs the pre-commit hook's entry point (``isollm-validate``) in this process."""
    return functools.partial(inprocess.run, ENTRIES["hook"][1])


@pytest.fixture
def isollm_process() -> Runner:
    """Runs ``python -m isollm`` from this checkout in a new process."""
    return _process_runner(ENTRIES["isollm"][0])


@pytest.fixture
def hook_process() -> Runner:
    """Runs ``python -m isollm.cli.hook`` in a new process."""
    return _process_runner(ENTRIES["hook"][0])


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--soak-seconds", type=float, default=None,
                     help="how long the state soak test runs (default: $ISOLLM_SOAK_SECONDS or 5)")


@pytest.fixture
def soak_seconds(request: pytest.FixtureRequest) -> float:
    """The soak test's duration: --soak-seconds, else $ISOLLM_SOAK_SECONDS, else 5 seconds."""
    option = request.config.getoption("--soak-seconds")
    return float(option if option is not None else os.environ.get("ISOLLM_SOAK_SECONDS", "5"))
