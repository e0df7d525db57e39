"""Shared fixtures: run the real CLI and hook against this checkout, in-process or as subprocesses.

``isollm`` and ``hook`` call the entry points' ``main(argv)`` in this process, the way
check-jsonschema (click's runner) and pre-commit test their CLIs: the working directory,
environment and standard streams are those of a fresh process for the length of the call.
``isollm_process`` and ``hook_process`` start a real interpreter, for what only a process
shows: what it imports, its start-up, resource limits, real stdio encodings, signals.
"""

from __future__ import annotations

import importlib
import io
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "examples"

# In CI, a test skipped for a missing dependency fails (see tests/dependencies.py).
pytest_plugins = ["tests.dependencies"]

Runner = Callable[..., "subprocess.CompletedProcess[str]"]

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


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` in the CLI swallows it."""


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout


# Variables that act only when an interpreter starts: an in-process run would silently ignore them.
_INTERPRETER_ONLY = ("PYTHONPROFILEIMPORTTIME", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONWARNINGS",
                     "PYTHONDEVMODE", "PYTHONFAULTHANDLER", "PYTHONTRACEMALLOC", "PYTHONPATH")


def _decoded(stream: io.TextIOWrapper) -> str:
    stream.flush()
    raw = stream.buffer
    assert isinstance(raw, io.BytesIO)
    # As subprocess.run(text=True) reads a child's output: strict UTF-8, universal newlines.
    return raw.getvalue().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def in_process_runner(module: str) -> Runner:
    def run(*args: Any, cwd: str | os.PathLike[str] | None = None, input: str | None = None,
            env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        argv = [os.fspath(arg) if isinstance(arg, os.PathLike) else str(arg) for arg in args]
        for name, value in (env or {}).items():
            # PYTHONIOENCODING=utf-8 is what the streams below already are; anything else needs a process.
            if name in _INTERPRETER_ONLY and not (name == "PYTHONIOENCODING" and value.lower() == "utf-8"):
                raise ValueError(f"{name} acts only on a new interpreter: use the *_process fixture")
        main = importlib.import_module(module).main
        # The streams of a fresh process with UTF-8 stdio and no terminal: stdout strict,
        # stderr backslashreplace (as Python sets them), stdin the given text.
        stdin = io.TextIOWrapper(io.BytesIO((input or "").encode("utf-8")), encoding="utf-8")
        stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
        stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
        alarm = threading.current_thread() is threading.main_thread()
        with pytest.MonkeyPatch.context() as patch:
            if cwd is not None:
                patch.chdir(cwd)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            patch.setattr(tempfile, "tempdir", None)  # a fresh process reads $TMPDIR again
            patch.setattr(sys, "argv", [module, *argv])
            patch.setattr(sys, "stdin", stdin)
            patch.setattr(sys, "stdout", stdout)
            patch.setattr(sys, "stderr", stderr)
            previous = signal.signal(signal.SIGALRM, _alarm) if alarm else None
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                status = main(argv)
            except SystemExit as exit_:  # what the interpreter would make of it
                if exit_.code is None or isinstance(exit_.code, int):
                    status = exit_.code or 0
                else:
                    print(exit_.code, file=sys.stderr)
                    status = 1
            except _Timeout:
                raise subprocess.TimeoutExpired([module, *argv], timeout) from None
            finally:
                if alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    signal.signal(signal.SIGALRM, previous)
        return subprocess.CompletedProcess([module, *argv], status, _decoded(stdout), _decoded(stderr))
    return run


@pytest.fixture
def isollm() -> Runner:
    """``isollm(*args, cwd=..., input=..., env=..., timeout=...)`` runs ``isollm`` in this process.

    Returns a ``CompletedProcess`` (returncode, stdout, stderr) as ``isollm_process`` does;
    stdin is ``input`` (never a terminal).
    """
    return in_process_runner(ENTRIES["isollm"][1])


@pytest.fixture
def hook() -> Runner:
    """Runs the pre-commit hook's entry point (``isollm-validate``) in this process."""
    return in_process_runner(ENTRIES["hook"][1])


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
