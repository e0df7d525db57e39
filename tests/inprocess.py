"""The one in-process runner: an entry point's ``main(argv)`` in this process, as a fresh process runs it.

check-jsonschema (click's runner) and pre-commit test their CLIs this way. For the length of the
call the working directory, environment and standard streams are those of a new process with
UTF-8 stdio and no terminal; ``tests/test_runners.py`` holds it to a real process, call by call.
The ``isollm``/``hook`` fixtures (tests/conftest.py) and the hostile corpus's limited runs
(tests/hostile/limited.py) all go through ``run``.
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
import traceback
from typing import Any, Callable, NamedTuple

import pytest

# The entry points by their names on the command line: the module whose main(argv) runs.
LAUNCH = "isollm.cli.launch"
HOOK = "isollm.cli.hook"


class Result(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


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


def run(entry: str | Callable[[list[str]], int], *args: Any, cwd: str | os.PathLike[str] | None = None, input: str | bytes | None = None,
        env: dict[str, str] | None = None, timeout: float = 60, as_process: bool = False) -> Result:
    """``entry`` (a module, for its ``main``, or a function) called with ``args``: its exit status and output.

    ``input`` is standard input (text is encoded as UTF-8); ``env`` is added to the environment.
    Past ``timeout`` seconds it raises ``subprocess.TimeoutExpired``, as ``subprocess.run`` does.
    An exception that escapes ``main`` is raised here, where pytest shows it best; with
    ``as_process`` it ends the run as it ends an interpreter (traceback on stderr, status 1).
    """
    argv = [os.fspath(arg) if isinstance(arg, os.PathLike) else str(arg) for arg in args]
    for name, value in (env or {}).items():
        # PYTHONIOENCODING=utf-8 is what the streams below already are; anything else needs a process.
        if name in _INTERPRETER_ONLY and not (name == "PYTHONIOENCODING" and value.lower() == "utf-8"):
            raise ValueError(f"{name} acts only on a new interpreter: use the *_process fixture")
    main = importlib.import_module(entry).main if isinstance(entry, str) else entry
    name = entry if isinstance(entry, str) else entry.__name__
    # The streams of a fresh process with UTF-8 stdio and no terminal: stdout strict,
    # stderr backslashreplace (as Python sets them), stdin the given input.
    data = input.encode("utf-8") if isinstance(input, str) else input or b""
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    alarm = threading.current_thread() is threading.main_thread()
    with pytest.MonkeyPatch.context() as patch:
        if cwd is not None:
            patch.chdir(cwd)
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        patch.setattr(tempfile, "tempdir", None)  # a fresh process reads $TMPDIR again
        patch.setattr(sys, "argv", [name, *argv])
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
            raise subprocess.TimeoutExpired([name, *argv], timeout) from None
        except Exception:
            if not as_process:
                raise
            traceback.print_exc(file=sys.stderr)
            status = 1
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
    return Result(status, _decoded(stdout), _decoded(stderr))
