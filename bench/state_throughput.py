"""State store throughput, next to the bare file operations it is built on.

    python3 bench/state_throughput.py            # full run (a minute or so)
    python3 bench/state_throughput.py --smoke    # tiny sizes, seconds (CI runs this)

save_worker (validated, atomic, fsynced file and directory) is measured in
rounds alternating with a bare loop of write + fsync + rename on the same
file system, so both see the same disk conditions; the table gives medians and
the ratio. Loads are measured for a small and a large number of workers to
show whether load_all_workers scales linearly.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from isollm.state import FileState, TaskRef, WorkerState, WorkerStatus  # noqa: E402
from isollm.state.codec import encode_state  # noqa: E402


def _worker(name: str, i: int = 0) -> WorkerState:
    return WorkerState(name=name, status=WorkerStatus.BUSY, container_id=f"isollm-app-{name}", ip="10.0.3.17",
                       current_task=TaskRef(id=f"ar-{i}", title="Fix the flaky test in the parser"),
                       current_branch=f"isollm/{name}")


def _rate(count: int, action: Callable[[int], None]) -> float:
    start = time.perf_counter()
    for i in range(count):
        action(i)
    return count / (time.perf_counter() - start)


def _bare_loop(directory: Path, data: bytes, *, dir_sync: bool) -> Callable[[int], None]:
    target, temp = directory / "bare.json", directory / ".bare.json.tmp"

    def write(i: int) -> None:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
        if dir_sync:
            dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    return write


def bench_save(root: Path, rounds: int, count: int) -> list[tuple[str, float]]:
    store = FileState(root / "save")
    store.save_worker(_worker("worker-1"))
    data = encode_state("worker", _worker("worker-1").to_dict())
    bare_dir = root / "bare"
    bare_dir.mkdir()
    samples: dict[str, list[float]] = {"save_worker": [], "bare": [], "bare+dirsync": []}
    worker = _worker("worker-1")

    def save(i: int) -> None:
        worker.last_error = f"attempt {i}"
        store.save_worker(worker)

    for _ in range(rounds):
        samples["bare"].append(_rate(count, _bare_loop(bare_dir, data, dir_sync=False)))
        samples["save_worker"].append(_rate(count, save))
        samples["bare+dirsync"].append(_rate(count, _bare_loop(bare_dir, data, dir_sync=True)))
    return [(name, statistics.median(values)) for name, values in samples.items()]


def bench_load(root: Path, workers: int, repeat: int) -> tuple[float, float]:
    """(load_worker per second, load_all_workers seconds per call) with ``workers`` files."""
    store = FileState(root / f"load-{workers}")
    for i in range(workers):
        store.save_worker(_worker(f"worker-{i}", i))
    single = _rate(max(repeat * 20, 20), lambda i: store.load_worker(f"worker-{i % workers}"))
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = store.load_all_workers()
        timings.append(time.perf_counter() - start)
        assert len(result.workers) == workers and not result.errors
    return single, statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, for CI")
    parser.add_argument("--dir", default=None, help="file system to measure (default: the temp directory)")
    args = parser.parse_args(argv)
    rounds, count = (2, 5) if args.smoke else (7, 200)
    sizes = (5, 50) if args.smoke else (20, 2000)
    repeat = 2 if args.smoke else 7
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="isollm-bench-") as tmp:
        root = Path(tmp)
        print(f"state store benchmark in {root} ({'smoke' if args.smoke else 'full'}: "
              f"{rounds} rounds x {count} writes, medians)")
        print()
        rates = bench_save(root, rounds, count)
        bare = dict(rates)["bare"]
        print(f"{'write loop':<36}{'ops/s':>12}{'vs bare':>10}")
        for name, rate in rates:
            print(f"{name:<36}{rate:>12.0f}{rate / bare:>9.2f}x")
        print()
        print(f"{'workers':>8}{'load_worker/s':>16}{'load_all ms':>14}{'µs/worker':>12}")
        per_worker = []
        for size in sizes:
            single, seconds = bench_load(root, size, repeat)
            per_worker.append(seconds / size)
            print(f"{size:>8}{single:>16.0f}{seconds * 1000:>14.2f}{seconds / size * 1e6:>12.1f}")
        print()
        print(f"load_all_workers per-worker cost, {sizes[1]} vs {sizes[0]} workers: "
              f"{per_worker[1] / per_worker[0]:.2f}x (1.0 = linear)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
