"""``isollm state clean`` racing a writer that replaces a stale session by a live one.

The writer (an orchestrator starting up over a stale session) writes a stale
session, then atomically replaces it by a live one; two ``state clean`` loops
run meanwhile, with two busy processes for CPU contention. A clean may remove
the stale file, never the live one: after each round the live session is on
disk. Bounded in rounds and time.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import random
import time
from pathlib import Path
from typing import Any

from isollm.errors import IsollmError
from isollm.state import FileState
from tests.state_helpers import dead_pid, session

CTX = multiprocessing.get_context("fork")
ROUNDS = 300
SECONDS = 6.0


def _cleaner(project: str, stop: Any) -> None:
    from isollm.cli.commands.state import clean
    os.chdir(project)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        while not stop.is_set():
            try:
                clean()
            except IsollmError:
                pass  # "replaced while it was being cleaned": a refusal, not a loss


def _burner(stop: Any) -> None:
    while not stop.is_set():
        sum(range(10_000))


def _holds(path: Path, marker: bytes, wait: float) -> bool:
    """Whether ``path`` holds ``marker`` within ``wait`` seconds (a clean may have it moved
    aside for an instant while it checks which file it holds)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            if marker in path.read_bytes():
                return True
        except FileNotFoundError:
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)


def test_clean_never_removes_a_live_session_that_replaced_a_stale_one(tmp_path: Path) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\n")
    store = FileState.for_project(tmp_path)
    stale_pid = dead_pid()
    stop = CTX.Event()
    helpers = [CTX.Process(target=_cleaner, args=(str(tmp_path), stop)) for _ in range(2)]
    helpers += [CTX.Process(target=_burner, args=(stop,)) for _ in range(2)]
    for helper in helpers:
        helper.start()
    lost, rounds = [], 0
    deadline = time.monotonic() + SECONDS
    try:
        while rounds < ROUNDS and time.monotonic() < deadline and len(lost) < 3:
            store.save_session(session(stale_pid, zellij_session=f"stale-{rounds}"))
            time.sleep(random.uniform(0, 0.002))
            store.save_session(session(os.getpid(), zellij_session=f"live-{rounds}"))
            if not _holds(store.session_path, f'"live-{rounds}"'.encode(), wait=1.0):
                lost.append(rounds)
            rounds += 1
    finally:
        stop.set()
        for helper in helpers:
            helper.join(timeout=30)
    assert rounds >= 50, "too few rounds to mean anything"
    assert lost == [], f"the live session was removed in rounds {lost} (of {rounds})"


def test_a_session_replaced_while_it_is_judged_is_judged_again(tmp_path: Path) -> None:
    store = FileState(tmp_path)
    store.save_session(session(dead_pid(), zellij_session="stale"))
    seen = []

    def removable(judged: Any) -> bool:
        seen.append(judged.zellij_session)
        if len(seen) == 1:  # the orchestrator starts between the judgement and the removal
            store.save_session(session(os.getpid(), zellij_session="live"))
            return True
        return False

    found, removed = store.remove_session_if(removable)
    assert (seen, found and found.zellij_session, removed) == (["stale", "live"], "live", False)
    assert store.load_session().zellij_session == "live"
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]


def test_the_judged_session_is_removed(tmp_path: Path) -> None:
    store = FileState(tmp_path)
    store.save_session(session(dead_pid(), zellij_session="stale"))
    found, removed = store.remove_session_if(lambda judged: True)
    assert found is not None and removed and list(tmp_path.iterdir()) == []
    assert store.remove_session_if(lambda judged: True) == (None, False)
