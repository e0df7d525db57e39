"""State store benchmarks, run in a child process by ``run.py`` (prints one JSON object).

- ``save_worker`` with full durability against the bare loop it is built on:
  write a temporary file, fsync it, rename it over the target (and, for the
  same guarantee, fsync the directory), in the same directory, alternating.
- ``load_all_workers`` with a small and a large number of workers, to show the
  time per worker does not grow with the count.

``--populate PROJECT`` instead writes a session and ``--large`` workers into
PROJECT/.isollm (for timing ``isollm state show``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from typing import Any, Callable

from isollm.state import FileState, Session, WorkerState


def _worker(name: str) -> WorkerState:
    return WorkerState(name=name, status="busy", container_id=f"isollm-{name}", ip="10.0.3.15",
                       current_branch=f"isollm/{name}", last_error="")


def _bare_loop(directory: str, payloads: list[bytes], *, fsync_dir: bool) -> None:
    """What save_worker must do at least: one temp file per write, fsync, rename over."""
    for index, data in enumerate(payloads):
        target = os.path.join(directory, f"worker-{index % 10}.json")
        fd, temp = tempfile.mkstemp(dir=directory, prefix=".w.", suffix=".tmp")
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
        if fsync_dir:
            dfd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)


def _timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench_save(root: str, count: int, rounds: int) -> dict[str, float]:
    store = FileState(os.path.join(root, "save", ".isollm"))
    workers = [_worker(f"worker-{i % 10}") for i in range(count)]
    payloads = [json.dumps(w.to_dict(), indent=2).encode() for w in workers]
    bare_dir = os.path.join(root, "bare")
    bare_dir_sync = os.path.join(root, "bare-dirsync")
    os.makedirs(bare_dir, exist_ok=True)
    os.makedirs(bare_dir_sync, exist_ok=True)
    times: dict[str, list[float]] = {"save": [], "bare": [], "bare_dirsync": []}
    store.save_worker(workers[0])  # creates the directory and warms the validator
    for index in range(rounds):
        steps = [("save", lambda: [store.save_worker(w) for w in workers]),
                 ("bare", lambda: _bare_loop(bare_dir, payloads, fsync_dir=False)),
                 ("bare_dirsync", lambda: _bare_loop(bare_dir_sync, payloads, fsync_dir=True))]
        shift = index % len(steps)
        for name, action in steps[shift:] + steps[:shift]:
            times[name].append(_timed(action))
    return {f"{k}_per_s" if k != "save" else "save_worker_per_s": count / statistics.median(v)
            for k, v in times.items()}


def _fill(store: FileState, count: int) -> None:
    """``count`` worker files as save_worker writes them, without paying an fsync for each."""
    os.makedirs(store.workers_dir, exist_ok=True)
    store.save_worker(_worker("worker-1"))
    for index in range(2, count + 1):
        name = f"worker-{index}"
        with open(os.path.join(store.workers_dir, f"{name}.json"), "w", encoding="utf-8") as handle:
            json.dump(_worker(name).to_dict(), handle, indent=2)


def bench_load(root: str, small: int, large: int, rounds: int) -> dict[str, float]:
    stores = {"small": FileState(os.path.join(root, "small", ".isollm")),
              "large": FileState(os.path.join(root, "large", ".isollm"))}
    _fill(stores["small"], small)
    _fill(stores["large"], large)
    expected = {"small": small, "large": large}
    times: dict[str, list[float]] = {"small": [], "large": []}
    for index in range(rounds + 1):
        order = ["small", "large"] if index % 2 == 0 else ["large", "small"]
        for name in order:
            start = time.perf_counter()
            result = stores[name].load_all_workers()
            elapsed = time.perf_counter() - start
            if len(result.workers) != expected[name] or result.errors:
                raise SystemExit(f"load_all_workers: {len(result.workers)} workers, {result.errors[:3]}")
            if index:  # the first round warms caches
                times[name].append(elapsed)
    return {"load_small_s": statistics.median(times["small"]), "load_large_s": statistics.median(times["large"])}


def populate(project: str, workers: int) -> None:
    store = FileState.for_project(project)
    store.create_session(Session(status="running", pid=os.getpid(), project_root=os.path.abspath(project)))
    for index in range(1, workers + 1):
        store.save_worker(_worker(f"worker-{index}"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--large", type=int, default=2000)
    parser.add_argument("--populate", metavar="PROJECT")
    args = parser.parse_args()
    if args.populate:
        populate(args.populate, args.large)
        return 0
    root = args.dir or tempfile.mkdtemp(prefix="isollm-bench-state-")
    os.makedirs(root, exist_ok=True)
    result = {**bench_save(root, args.count, args.rounds), **bench_load(root, args.small, args.large, args.rounds)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
