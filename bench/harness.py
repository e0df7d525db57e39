"""Running whole processes side by side: wall time and peak memory of each run.

Each child is started with ``subprocess.Popen`` and reaped with ``os.wait4``,
whose resource usage is that child's alone (``ru_maxrss``, KiB on Linux), so the
numbers of one command never mix with another's or with this process's.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Sequence

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Run:
    seconds: float
    max_rss_kib: int
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Samples:
    label: str
    command: list[str]
    runs: list[Run] = field(default_factory=list)

    @property
    def median_seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def median_rss_kib(self) -> float:
        return statistics.median(r.max_rss_kib for r in self.runs)


def child_env(pycache: str, repo: str = REPO) -> dict[str, str]:
    """The environment of every measured child: this checkout first on the path.

    Bytecode goes to a private cache (``PYTHONPYCACHEPREFIX``) and is allowed
    even where the caller disabled it, because an installed package always
    runs from compiled bytecode; timing a recompile of our modules against a
    peer loading its cached bytecode would not be a like-for-like comparison.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = repo + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def run_once(command: Sequence[str], env: dict[str, str], cwd: str | None = None) -> Run:
    """One whole process: wall time from spawn to reap, and its own max RSS."""
    with open(os.devnull, "rb") as stdin, \
            _Capture() as out, _Capture() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(command), stdin=stdin, stdout=out.handle, stderr=err.handle,
                                env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen quiet
        return Run(seconds, int(usage.ru_maxrss), proc.returncode, out.text(), err.text())


class _Capture:
    """A temporary file for a child's output (a pipe could fill up and stall the child)."""

    def __enter__(self) -> "_Capture":
        import tempfile

        self.handle = tempfile.TemporaryFile()
        return self

    def text(self) -> str:
        self.handle.seek(0)
        return self.handle.read().decode("utf-8", "replace")

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def alternate(samples: Sequence[Samples], rounds: int, env: dict[str, str], cwd: str | None = None,
              warmup: int = 1) -> None:
    """Run every command once per round, rotating the order so none is always first.

    Warm-up rounds fill the bytecode cache and the page cache and are not kept.
    """
    for index in range(warmup + rounds):
        shift = index % len(samples)
        for sample in list(samples[shift:]) + list(samples[:shift]):
            run = run_once(sample.command, env, cwd)
            if index >= warmup:
                sample.runs.append(run)


def python() -> str:
    return sys.executable
