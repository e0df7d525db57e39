"""Running whole processes side by side: wall time and peak memory of each run.

Each child is forked by a small spawner process and reaped with ``os.wait4``,
whose resource usage is that child's alone (``ru_maxrss``, KiB on Linux), so the
numbers of one command never mix with another's or with this process's.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
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
    """The environment of every measured child: the checkout under test first on the path.

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


# A small, long-lived process forks and execs each measured command. On Linux a
# child's ru_maxrss includes the memory it had before exec: a child forked (or
# vforked, as subprocess and posix_spawn do) straight from this benchmark would
# report at least this process's RSS. Forked from a bare ``python -S -I`` (about
# 10 MiB) the floor sits below what any Python program needs for itself.
_SPAWNER = r"""
import json, os, sys, time
for line in sys.stdin:
    job = json.loads(line)
    out = os.open(job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(job["cwd"])
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(out, 1)
            os.dup2(err, 2)
            os.execve(job["command"][0], job["command"], job["env"])
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    os.close(out)
    os.close(err)
    print(json.dumps({"seconds": seconds, "rss": usage.ru_maxrss,
                      "rc": os.waitstatus_to_exitcode(status)}), flush=True)
"""


class _Spawner:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-S", "-I", "-c", _SPAWNER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.tmp = tempfile.mkdtemp(prefix="isollm-bench-out-")

    def run(self, command: Sequence[str], env: dict[str, str], cwd: str) -> Run:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        exe = command[0] if os.path.isabs(command[0]) else shutil.which(command[0], path=env.get("PATH"))
        out, err = os.path.join(self.tmp, "out"), os.path.join(self.tmp, "err")
        job = {"command": [exe or command[0], *command[1:]], "env": env, "cwd": cwd, "stdout": out, "stderr": err}
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        with open(out, encoding="utf-8", errors="replace") as o, open(err, encoding="utf-8", errors="replace") as e:
            return Run(reply["seconds"], int(reply["rss"]), reply["rc"], o.read(), e.read())

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


_spawner: _Spawner | None = None


def run_once(command: Sequence[str], env: dict[str, str], cwd: str | None = None) -> Run:
    """One whole process: wall time from fork to reap, and its own max RSS (KiB)."""
    global _spawner
    if _spawner is None or _spawner.proc.poll() is not None:
        _spawner = _Spawner()
    return _spawner.run(command, env, cwd or os.getcwd())


def close() -> None:
    """Stop the spawner (run.py calls this when done)."""
    global _spawner
    if _spawner is not None:
        _spawner.close()
        _spawner = None


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
