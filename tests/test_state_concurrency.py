"""Concurrent writers, readers, racing creators and killed writers: never a torn or lost file.

Each test is bounded in time (about a second of racing) and in count.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from isollm.state import FileState, NoSessionError, SessionExistsError
from tests.state_helpers import session, worker

CTX = multiprocessing.get_context("fork")
RACE_SECONDS = 1.0


def _writer(state_dir: str, name: str, tag: str, deadline: float, out: Any) -> None:
    store = FileState(state_dir)
    count = 0
    while time.monotonic() < deadline:
        store.save_worker(worker(name, last_error=f"{tag}:{count}"))
        count += 1
    out.put((name, tag, count - 1))


def _reader(state_dir: str, names: list[str], deadline: float, out: Any) -> None:
    store = FileState(state_dir)
    reads, problems = 0, []
    while time.monotonic() < deadline:
        result = store.load_all_workers()
        problems += [str(e) for e in result.errors]
        seen = {w.name for w in result.workers}
        problems += [f"lost {n}" for n in names if n not in seen]
        try:
            store.load_worker(names[0])
        except Exception as error:  # any failure to read the shared worker is a torn read
            problems.append(repr(error))
        reads += 1
    out.put((reads, problems[:5], len(problems)))


def test_concurrent_writers_and_readers(tmp_path: Path) -> None:
    store = FileState(tmp_path)
    names = ["shared", "own-1", "own-2"]
    for name in names:
        store.save_worker(worker(name, last_error="initial"))
    deadline = time.monotonic() + RACE_SECONDS
    out = CTX.Queue()
    jobs = [("shared", "a"), ("shared", "b"), ("own-1", "c"), ("own-2", "d")]
    procs = [CTX.Process(target=_writer, args=(str(tmp_path), n, t, deadline, out)) for n, t in jobs]
    procs += [CTX.Process(target=_reader, args=(str(tmp_path), names, deadline, out)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=30) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    written = {(r[0], r[1]): r[2] for r in results if len(r) == 3 and isinstance(r[0], str)}
    reads = [r for r in results if isinstance(r[0], int)]
    assert all(r[2] == 0 for r in reads), reads
    assert all(r[0] > 0 for r in reads) and all(n >= 0 for n in written.values())
    # The last write of each writer is what is on disk (for the shared worker: one of the two).
    assert store.load_worker("own-1").last_error == f"c:{written[('own-1', 'c')]}"
    assert store.load_worker("own-2").last_error == f"d:{written[('own-2', 'd')]}"
    assert store.load_worker("shared").last_error in {f"a:{written[('shared', 'a')]}",
                                                      f"b:{written[('shared', 'b')]}"}
    assert sorted(p.name for p in (tmp_path / "workers").iterdir()) == [f"{n}.json" for n in sorted(names)]


def _creator(state_dir: str, barrier: Any, out: Any) -> None:
    store = FileState(state_dir)
    barrier.wait(timeout=10)
    try:
        store.create_session(session(os.getpid()))
        out.put(("won", os.getpid()))
    except SessionExistsError:
        out.put(("exists", os.getpid()))


def _session_reader(state_dir: str, stop: Any, out: Any) -> None:
    store = FileState(state_dir)
    reads, problems = 0, []
    while not stop.is_set():
        try:
            store.load_session()
            reads += 1
        except NoSessionError:
            pass
        except Exception as error:  # a partial or empty session.json
            problems.append(repr(error))
    out.put((reads, problems[:5]))


@pytest.mark.parametrize("rounds, racers", [(8, 6)])
def test_racing_create_session_has_one_winner(tmp_path: Path, rounds: int, racers: int) -> None:
    store = FileState(tmp_path)
    stop, reader_out = CTX.Event(), CTX.Queue()
    reader = CTX.Process(target=_session_reader, args=(str(tmp_path), stop, reader_out))
    reader.start()
    try:
        for _ in range(rounds):
            store.clear_session()
            barrier, out = CTX.Barrier(racers), CTX.Queue()
            procs = [CTX.Process(target=_creator, args=(str(tmp_path), barrier, out)) for _ in range(racers)]
            for p in procs:
                p.start()
            outcomes = [out.get(timeout=30) for _ in procs]
            for p in procs:
                p.join(timeout=30)
            winners = [pid for what, pid in outcomes if what == "won"]
            assert len(winners) == 1 and len(outcomes) == racers
            assert store.load_session().pid == winners[0]
    finally:
        stop.set()
    reads, problems = reader_out.get(timeout=30)
    reader.join(timeout=30)
    assert problems == []
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]


def _endless_writer(state_dir: str) -> None:
    store = FileState(state_dir)
    count = 0
    while True:
        store.save_worker(worker(f"w-{count % 3}", last_error="x" * (count % 500)))
        store.save_session(session(os.getpid(), zellij_session=f"z-{count}"))
        count += 1


@pytest.mark.parametrize("delay", [0.05, 0.15, 0.3])
def test_writer_killed_mid_loop_leaves_only_valid_files(tmp_path: Path, delay: float) -> None:
    child = CTX.Process(target=_endless_writer, args=(str(tmp_path),))
    child.start()
    # Count the delay from the first full round, not from start(): on a loaded machine a forked
    # child can take longer than the delay to write anything, and there would be nothing to check.
    first_round = time.monotonic() + 30
    while not (tmp_path / "session.json").exists() and time.monotonic() < first_round:
        time.sleep(0.005)
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
    child.join(timeout=10)
    store = FileState(tmp_path)
    result = store.load_all_workers()
    assert result.errors == [] and result.workers
    store.load_session()
    # Temporary files a killed writer left behind are skipped by readers and can be swept.
    store.remove_stale_temp_files(older_than=0)
    assert not [p for p in tmp_path.rglob(".*")]
