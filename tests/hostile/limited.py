"""Run the CLI under the hostile corpus's limits without starting an interpreter for each call.

The corpus tests what the program answers to bad input, not how it starts, and an interpreter's
start-up cost most of each case's time. So one server (``python -m tests.hostile.limited``)
imports the package once, warms it up, and for each call forks a child that takes the limits
(address space, CPU time), runs the entry point through the one in-process runner
(``tests/inprocess.py``) and is killed at the timeout. A crash, a hang or exhausted memory ends
that call alone, as it ended a process of its own before, and ``wait4`` still gives the call's
peak memory (the child's own, from the fork on). ``Server`` is the client side.

Protocol: one JSON request a line on stdin, ``{"entry", "args", "cwd", "timeout", "limits", "output"}``;
one JSON reply a line on stdout, ``{"status", "seconds", "peak_kib"}`` (``status`` null: killed at
the timeout; negative: killed by that signal). The child leaves what it printed in the ``output``
directory (``result.json``: stdout and stderr; ``fd2``: whatever bypassed ``sys.stderr``).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, NoReturn

from tests import inprocess

_WARM_UP = [
    (inprocess.HOOK, ["isollm.yaml"]), (inprocess.HOOK, ["--format", "json", "isollm.yaml"]),
    (inprocess.LAUNCH, ["validate", "--format", "github", "isollm.yaml"]),
    (inprocess.LAUNCH, ["config", "show", "--format", "json"]), (inprocess.LAUNCH, ["state", "check"]),
    (inprocess.LAUNCH, ["state", "show", "--format", "json"]), (inprocess.LAUNCH, ["state", "show"]),
]


def _warm_up() -> None:
    """Import and load what the calls need, once, so that each child starts where a call begins."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "isollm.yaml").write_text("project: warm\nworkers: 0\nports: [x, '80', '80']\nimage: ubuntu\n")
        (root / ".isollm" / "workers").mkdir(parents=True)
        (root / ".isollm" / "workers" / "w.json").write_text('{"name": "w", "status": "x"}')
        (root / ".isollm" / "session.json").write_text("{")
        for entry, args in _WARM_UP:
            inprocess.run(entry, *args, cwd=root, as_process=True)


def _child(request: dict[str, Any]) -> NoReturn:
    """In the forked child: the limits, the call, its output into the request's directory; exit with its status."""
    directory = request["output"]
    status = 1
    try:
        null = os.open(os.devnull, os.O_RDWR)
        # Whatever bypasses sys.stderr (a fatal error, a C library) is kept; stdin and stdout are nothing.
        err = os.open(os.path.join(directory, "fd2"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(err, 2)
        memory, cpu = request["limits"]
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        # The runner's own alarm only after the server's kill: the timeout is the server's.
        result = inprocess.run(request["entry"], *request["args"], cwd=request["cwd"],
                               timeout=request["timeout"] + 5, as_process=True)
        with open(os.path.join(directory, "result.json"), "w", encoding="utf-8") as handle:
            json.dump([result.stdout, result.stderr], handle)
        status = result.returncode
    except BaseException:  # as an interpreter ends on an uncaught exception
        traceback.print_exc()
        status = 1
    finally:
        try:
            sys.stderr.flush()
        finally:
            os._exit(status)


def call(request: dict[str, Any]) -> dict[str, Any]:
    """Run one request in a forked, limited child; its status, time and peak memory.

    The output stays in files for the client to read: the server never holds it, so every child
    starts from the same memory and its peak is its own.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(request)
    while True:
        done, wait_status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            status: int | None = os.waitstatus_to_exitcode(wait_status)
            break
        if time.monotonic() - start > request["timeout"]:
            os.kill(pid, signal.SIGKILL)
            _, _, usage = os.wait4(pid, 0)
            status = None
            break
        time.sleep(0.002)
    return {"status": status, "seconds": time.monotonic() - start, "peak_kib": usage.ru_maxrss}


def serve() -> None:
    _warm_up()
    for line in sys.stdin:
        sys.stdout.write(json.dumps(call(json.loads(line))) + "\n")
        sys.stdout.flush()


class Server:
    """The client: starts the server on first use (one per test process) and sends it calls."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self._env, self._cwd = env, cwd
        self._process: subprocess.Popen[str] | None = None
        self._log = tempfile.TemporaryFile()

    def call(self, entry: str, args: list[str], cwd: Path, timeout: float, limits: tuple[int, int]) -> dict[str, Any]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen([sys.executable, "-m", "tests.hostile.limited"], cwd=self._cwd,
                                             env=self._env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=self._log, text=True, encoding="utf-8")
        assert self._process.stdin is not None and self._process.stdout is not None
        output = tempfile.TemporaryDirectory()
        request = {"entry": entry, "args": args, "cwd": os.fspath(cwd), "timeout": timeout, "limits": limits,
                   "output": output.name}
        try:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
        except BrokenPipeError:
            pass  # told below, with the server's own last words
        reply = self._process.stdout.readline()
        if not reply:
            self._process.wait()
            self._log.seek(0)
            raise RuntimeError(f"the limited-run server ended (status {self._process.returncode}): "
                               + self._log.read().decode("utf-8", "replace")[-3000:])
        with output:
            result, fd2 = Path(output.name, "result.json"), Path(output.name, "fd2")
            stdout, stderr = json.loads(result.read_text(encoding="utf-8")) if result.exists() else ("", "")
            if fd2.exists():
                stderr += fd2.read_bytes().decode("utf-8", "replace")
        return {**json.loads(reply), "stdout": stdout, "stderr": stderr}

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            self._process.wait(timeout=30)


if __name__ == "__main__":
    serve()
