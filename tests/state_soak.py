"""A soak of the state store: processes write, read and delete while being SIGKILLed at random.

Used by ``tests/test_state_soak.py`` (bounded: a few seconds in CI, longer with
``--soak-seconds`` or ``ISOLLM_SOAK_SECONDS``) and by ``tests.reliability_report``.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from ctypes import c_longlong
from pathlib import Path
from typing import Any

from isollm.errors import StateError, WorkerNotFoundError
from isollm.state import FileState, NoSessionError, SessionExistsError
from tests.state_helpers import session, worker

CTX = multiprocessing.get_context("fork")
NAMES = [f"worker-{i}" for i in range(6)]
MAX_CHILDREN = 100_000


def _chaos(state_dir: str, slot: int, seed: int, counters: Any) -> None:
    """One child: random operations forever; anything unexpected goes to problems-<slot>.txt."""
    rng = random.Random(seed)
    store = FileState(state_dir)
    problems = open(Path(state_dir).parent / f"problems-{slot}.txt", "a", buffering=1)
    while True:
        op = rng.choice(["save", "save", "delete", "load", "load_all", "session"])
        name = rng.choice(NAMES)
        try:
            if op == "save":
                store.save_worker(worker(name, last_error="x" * rng.randrange(0, 3000)))
            elif op == "delete":
                store.delete_worker(name)
            elif op == "load":
                try:
                    store.load_worker(name)
                except WorkerNotFoundError:
                    pass
            elif op == "load_all":
                for error in store.load_all_workers().errors:
                    problems.write(f"load_all: {error}\n")
            else:
                _session_op(store, rng)
        except StateError as error:
            problems.write(f"{op}: {type(error).__name__}: {error}\n")
        counters[slot] += 1


def _session_op(store: FileState, rng: random.Random) -> None:
    choice = rng.randrange(4)
    try:
        if choice == 0:
            store.create_session(session(os.getpid()))
        elif choice == 1:
            store.save_session(session(os.getpid(), zellij_session="z" * rng.randrange(1, 200)))
        elif choice == 2:
            store.load_session()
        else:
            store.clear_session()
    except (NoSessionError, SessionExistsError):
        pass


def run_soak(root: Path, seconds: float, processes: int = 4, seed: int = 0) -> dict[str, Any]:
    """Run the soak in ``root``; return counts and every problem found during and after it."""
    state_dir = root / "state"
    rng = random.Random(seed)
    counters = CTX.RawArray(c_longlong, MAX_CHILDREN)
    slots = iter(range(MAX_CHILDREN))

    def spawn() -> Any:
        slot = next(slots)
        child = CTX.Process(target=_chaos, args=(str(state_dir), slot, rng.randrange(1 << 30), counters),
                            daemon=True)
        child.start()
        return child

    children = [spawn() for _ in range(processes)]
    kills = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(rng.uniform(0.01, 0.15))
        index = rng.randrange(len(children))
        os.kill(children[index].pid, signal.SIGKILL)
        children[index].join(10)
        kills += 1
        children[index] = spawn()
    for child in children:
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        kills += 1
    return {"seconds": seconds, "processes": processes, "kills": kills,
            "operations": sum(counters[: next(slots)]), **check_after_soak(root)}


def check_after_soak(root: Path) -> dict[str, Any]:
    """Every file left must load; temp files left by killed writers are swept, then none remain."""
    state_dir = root / "state"
    store = FileState(state_dir)
    problems = [line.rstrip("\n") for p in sorted(root.glob("problems-*.txt"))
                for line in p.read_text(errors="replace").splitlines()]
    result = store.load_all_workers()
    problems += [f"after: {error}" for error in result.errors]
    try:
        store.load_session()
    except NoSessionError:
        pass
    except StateError as error:
        problems.append(f"after: session: {error}")
    temp_before = [p for p in state_dir.rglob(".*.tmp")]
    store.remove_stale_temp_files(older_than=0)
    temp_after = [p for p in state_dir.rglob(".*") if p.is_file()]
    problems += [f"temp file remains after the sweep: {p}" for p in temp_after]
    return {"workers_left": len(result.workers), "temp_files_swept": len(temp_before), "problems": problems}
