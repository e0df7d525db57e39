"""Failures mid-write, hostile worker names, and what a reader can see during a create."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any, Callable

import pytest

from isollm.errors import StateError, ValidationError
from isollm.state import FileState, NoSessionError, SessionExistsError
from tests.state_helpers import session, worker


def _failing(name: str) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, f"injected {name} failure")
    return fail


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("call", ["write", "fsync", "replace", "fchmod"])
def test_failed_save_worker_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     call: str) -> None:
    store = FileState(tmp_path)
    store.save_worker(worker("worker-1", last_error="before"))
    before = (tmp_path / "workers" / "worker-1.json").read_bytes()
    monkeypatch.setattr(os, call, _failing(call))
    with pytest.raises(StateError, match=f"worker-1.json: cannot write: injected {call} failure"):
        store.save_worker(worker("worker-1", last_error="after"))
    monkeypatch.undo()
    assert (tmp_path / "workers" / "worker-1.json").read_bytes() == before
    assert _files(tmp_path) == ["workers/worker-1.json"]


@pytest.mark.parametrize("call", ["write", "fsync", "replace"])
def test_failed_save_session_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      call: str) -> None:
    store = FileState(tmp_path)
    store.create_session(session(os.getpid()))
    before = (tmp_path / "session.json").read_bytes()
    monkeypatch.setattr(os, call, _failing(call))
    with pytest.raises(StateError):
        store.save_session(session(os.getpid(), status="shutting_down"))
    monkeypatch.undo()
    assert (tmp_path / "session.json").read_bytes() == before
    assert _files(tmp_path) == ["session.json"]


@pytest.mark.parametrize("call", ["write", "fsync", "link"])
def test_failed_create_session_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str) -> None:
    store = FileState(tmp_path)
    monkeypatch.setattr(os, call, _failing(call))
    with pytest.raises(StateError):
        store.create_session(session(os.getpid()))
    monkeypatch.undo()
    assert _files(tmp_path) == []
    with pytest.raises(NoSessionError):
        store.load_session()


def test_create_session_never_shows_a_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At every write, fsync and link of a create, session.json is absent or complete."""
    target = tmp_path / "session.json"
    seen: list[str] = []

    def watching(original: Callable[..., Any], name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if target.exists():
                json.loads(target.read_text())  # raises on an empty or partial file
                seen.append(f"complete at {name}")
            return original(*args, **kwargs)
        return call

    for name in ("write", "fsync", "link", "replace", "close"):
        monkeypatch.setattr(os, name, watching(getattr(os, name), name))
    store = FileState(tmp_path)
    store.create_session(session(os.getpid()))
    with pytest.raises(SessionExistsError):
        store.create_session(session(os.getpid()))
    monkeypatch.undo()
    assert seen  # the second create did look at a complete file
    assert _files(tmp_path) == ["session.json"]


HOSTILE = ["../escape", "..", ".", "a/b", "/etc/passwd", "", "a\x00b", "x" * 65, ".hidden", "-x", "a b",
           "name\n", "wörker", "a\\b", None, 7]


@pytest.mark.parametrize("name", HOSTILE, ids=repr)
def test_hostile_worker_name_is_refused_before_any_file_is_touched(tmp_path: Path, name: Any,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    state_dir = tmp_path / "project" / ".isollm"
    store = FileState(state_dir)
    touched: list[str] = []

    def spy(call: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            if args and str(args[0]).startswith(str(tmp_path)):
                touched.append(f"{call} {args[0]}")
            return original(*args, **kwargs)
        return run

    for call in ("open", "mkdir", "unlink", "replace", "link", "stat", "lstat", "scandir"):
        monkeypatch.setattr(os, call, spy(call, getattr(os, call)))
    for action in (lambda: store.save_worker(worker(name)), lambda: store.load_worker(name),
                   lambda: store.delete_worker(name)):
        with pytest.raises(ValidationError, match="worker name"):
            action()
    monkeypatch.undo()
    assert touched == []
    assert list(tmp_path.rglob("*")) == []


def test_reasonable_names_are_accepted(tmp_path: Path) -> None:
    store = FileState(tmp_path)
    for name in ("worker-1", "W_2", "a..b", "x" * 64, "7"):
        store.save_worker(worker(name))
    assert len(store.load_all_workers().workers) == 5


def test_create_session_without_hard_links_falls_back_to_exclusive_open(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EPERM, "links not supported")

    monkeypatch.setattr(os, "link", no_links)
    store = FileState(tmp_path)
    store.create_session(session(os.getpid()))
    with pytest.raises(SessionExistsError):
        store.create_session(session(os.getpid()))
    assert _files(tmp_path) == ["session.json"] and store.has_active_session()


def test_text_that_is_not_unicode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="not valid Unicode"):
        FileState(tmp_path).save_worker(worker("worker-1", last_error="\ud800"))
    assert _files(tmp_path) == []


@pytest.mark.parametrize("action", ["delete_worker", "clear_all_workers", "clear_session"])
def test_failed_removal_is_a_state_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    store = FileState(tmp_path)
    store.create_session(session(os.getpid()))
    store.save_worker(worker("worker-1"))
    monkeypatch.setattr(os, "unlink", _failing("unlink"))
    with pytest.raises(StateError, match="cannot remove: injected unlink failure"):
        getattr(store, action)(*(["worker-1"] if action == "delete_worker" else []))
    monkeypatch.undo()
    assert _files(tmp_path) == ["session.json", "workers/worker-1.json"]


def test_stale_temp_files_are_swept_only_when_old(tmp_path: Path) -> None:
    store = FileState(tmp_path)
    store.save_worker(worker("worker-1"))
    leftover = tmp_path / "workers" / ".worker-1.json.abc123.tmp"
    leftover.write_text("{")
    assert store.remove_stale_temp_files() == []
    os.utime(leftover, (1, 1))
    assert store.remove_stale_temp_files() == [leftover]
    assert _files(tmp_path) == ["workers/worker-1.json"]
