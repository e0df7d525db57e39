"""State store goals for ``run.py``: runs ``state_throughput``'s measurements in a
child process and prints them as one JSON object.

``bench/state_throughput.py`` (the state store's own benchmark, with its own
table) owns how save_worker and load_all_workers are measured; this file only
feeds its numbers into the goal table, so both report the same thing.

``--populate PROJECT`` instead writes a session and ``--workers`` workers into
PROJECT/.isollm (for timing ``isollm state show``).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

import state_throughput as st  # the bench/ directory is this script's, so it is on sys.path

from isollm.state import FileState, Session, SessionStatus


def populate(project: str, workers: int) -> None:
    store = FileState.for_project(project)
    store.create_session(Session(status=SessionStatus.RUNNING, pid=os.getpid(), project_root=os.path.abspath(project)))
    for index in range(1, workers + 1):
        store.save_worker(st._worker(f"worker-{index}", index))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--large", type=int, default=2000)
    parser.add_argument("--populate", metavar="PROJECT")
    parser.add_argument("--workers", type=int, default=5)
    args = parser.parse_args()
    if args.populate:
        populate(args.populate, args.workers)
        return 0
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="isollm-bench-state-") as tmp:
        root = Path(tmp)
        rates = dict(st.bench_save(root, args.rounds, args.count))
        _, small = st.bench_load(root, args.small, args.rounds)
        _, large = st.bench_load(root, args.large, args.rounds)
    print(json.dumps({"save_worker_per_s": rates["save_worker"], "bare_per_s": rates["bare"],
                      "bare_dirsync_per_s": rates["bare+dirsync"], "load_small_s": small, "load_large_s": large}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
