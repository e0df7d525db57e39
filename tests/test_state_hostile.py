"""The state store under attack and failure.

Corrupt and hostile files on disk, symlinks planted at state paths, ENOSPC and
EIO at every system call of a write, any text as a worker name. Whatever
happens: a clear ``StateError`` (one line per problem, naming the file), the
previous content intact, no temporary file left, nothing outside the state
directory touched.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isollm.errors import InvalidStateError, StateError, ValidationError
from isollm.state import FileState, SessionExistsError
from tests.state_helpers import session, worker

# --- corrupt files -------------------------------------------------------------

def _valid(kind: str) -> bytes:
    return json.dumps(session(os.getpid()).to_dict() if kind == "session" else worker("w").to_dict(),
                      indent=2).encode()


def _with(kind: str, **changes: Any) -> bytes:
    data = json.loads(_valid(kind))
    data.update(changes)
    return json.dumps(data).encode()


CORRUPT: dict[str, Callable[[str], bytes]] = {
    "empty": lambda k: b"",
    "whitespace": lambda k: b" \n\t\n",
    "truncated-1": lambda k: _valid(k)[:1],
    "truncated-half": lambda k: _valid(k)[: len(_valid(k)) // 2],
    "truncated-last-byte": lambda k: _valid(k)[:-1],
    "not-json": lambda k: b"hello world",
    "python-repr": lambda k: b"{'name': 'w'}",
    "yaml": lambda k: b"name: w\nstatus: idle\n",
    "list": lambda k: b"[]",
    "string": lambda k: b'"session"',
    "number": lambda k: b"42",
    "null": lambda k: b"null",
    "nul-bytes": lambda k: b"\x00" * 64,
    "nul-inside": lambda k: _valid(k)[:20] + b"\x00" + _valid(k)[20:],
    "not-utf8": lambda k: b"\xff\xfe{}",
    "utf8-bom": lambda k: b"\xef\xbb\xbf" + _valid(k),
    "deep-nesting": lambda k: b"[" * 100_000 + b"]" * 100_000,
    "too-large": lambda k: b" " * (2 << 20) + _valid(k),
    "huge-integer": lambda k: _with(k, version=1).replace(b'"version": 1', b'"version": ' + b"9" * 5000),
    "nan": lambda k: _with(k).replace(b'"version": 1', b'"version": NaN'),
    "future-version": lambda k: _with(k, version=99),
    "version-string": lambda k: _with(k, version="1"),
    "version-negative": lambda k: _with(k, version=-1),
    "version-float": lambda k: _with(k, version=1.5),
    "version-bool": lambda k: _with(k, version=True),
    "wrong-status": lambda k: _with(k, status="exploding"),
    "wrong-time": lambda k: _with(k, started_at="yesterday"),
    "wrong-type-field": lambda k: _with(k, **({"pid": "12"} if k == "session" else {"name": 5})),
    "extra-nesting": lambda k: _with(k, started_at={"a": [1, {"b": None}]}),
    "name-mismatch": lambda k: _with(k, **({"zellij_session": None} if k == "session" else {"name": "other"})),
}


def _path(store: FileState, kind: str) -> Path:
    return store.session_path if kind == "session" else store.worker_path("w")


def _assert_clean(error: StateError, path: Path) -> None:
    text = str(error)
    assert str(path) in text
    if isinstance(error, InvalidStateError):
        assert error.issues and all(i.message and "\n" not in i.message for i in error.issues)


@pytest.mark.parametrize("kind", ["session", "worker"])
@pytest.mark.parametrize("corruption", list(CORRUPT))
def test_a_corrupt_file_is_a_clear_state_error(tmp_path: Path, kind: str, corruption: str) -> None:
    store = FileState(tmp_path)
    store.save_worker(worker("good"))
    path = _path(store, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(CORRUPT[corruption](kind))
    load = store.load_session if kind == "session" else (lambda: store.load_worker("w"))
    with pytest.raises(StateError) as caught:
        load()
    _assert_clean(caught.value, path)
    if kind == "worker":  # one bad file does not hide the good ones
        result = store.load_all_workers()
        assert [w.name for w in result.workers] == ["good"]
        assert len(result.errors) == 1
        _assert_clean(result.errors[0], path)


# --- symlinks planted at state paths ------------------------------------------------

@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim.txt"
    path.write_bytes(b"precious, not state\n")
    return path


def _plant(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


@pytest.mark.parametrize("kind", ["session", "worker"])
def test_a_planted_symlink_is_never_written_through(tmp_path: Path, victim: Path, kind: str) -> None:
    store = FileState(tmp_path / "state")
    path = _path(store, kind)
    _plant(path, victim)
    if kind == "session":
        with pytest.raises(SessionExistsError):
            store.create_session(session(os.getpid()))
        store.save_session(session(os.getpid()))
    else:
        store.save_worker(worker("w"))
    assert victim.read_bytes() == b"precious, not state\n"
    assert not path.is_symlink()  # the link itself was replaced by the new file
    assert (store.load_session() if kind == "session" else store.load_worker("w"))


@pytest.mark.parametrize("kind", ["session", "worker"])
def test_a_planted_symlink_is_refused_on_read_and_removed_on_delete(tmp_path: Path, victim: Path, kind: str) -> None:
    store = FileState(tmp_path / "state")
    path = _path(store, kind)
    target = tmp_path / "elsewhere.json"
    target.write_bytes(_valid(kind))  # even valid state is not read through a link
    _plant(path, target)
    with pytest.raises(InvalidStateError, match="symbolic link") as caught:
        store.load_session() if kind == "session" else store.load_worker("w")
    _assert_clean(caught.value, path)
    if kind == "worker":
        assert "symbolic link" in str(store.load_all_workers().errors[0])
        store.delete_worker("w")
    else:
        with pytest.raises(InvalidStateError):
            store.has_active_session()
        store.clear_session()
    assert not path.is_symlink() and target.exists()


def test_a_planted_workers_directory_symlink_is_refused(tmp_path: Path) -> None:
    # A cloned repository can carry .isollm/workers -> somewhere: deleting through it would
    # remove that directory's *.json files.
    elsewhere = tmp_path / "important"
    elsewhere.mkdir()
    (elsewhere / "w.json").write_bytes(b'{"keep": true}')
    store = FileState(tmp_path / "state")
    store.state_dir.mkdir()
    store.workers_dir.symlink_to(elsewhere)
    for action in (store.clear_all_workers, lambda: store.delete_worker("w"), store.load_all_workers,
                   lambda: store.save_worker(worker("w")), lambda: store.load_worker("w")):
        with pytest.raises(StateError, match="symbolic link"):
            action()
    assert [p.name for p in elsewhere.iterdir()] == ["w.json"]
    assert (elsewhere / "w.json").read_bytes() == b'{"keep": true}'


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail (rather than hang the suite) if a read blocks."""
    def timeout(signum: int, frame: Any) -> None:
        raise TimeoutError("blocked on a special file")
    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("special", ["fifo", "fifo-via-symlink", "dev-zero-via-symlink", "directory"])
@pytest.mark.parametrize("kind", ["session", "worker"])
def test_a_special_file_at_a_state_path_is_refused_without_blocking(
        tmp_path: Path, kind: str, special: str, alarm: None) -> None:
    store = FileState(tmp_path / "state")
    path = _path(store, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    if special == "fifo":
        os.mkfifo(path)
    elif special == "fifo-via-symlink":
        os.mkfifo(tmp_path / "pipe")
        path.symlink_to(tmp_path / "pipe")
    elif special == "dev-zero-via-symlink":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    with pytest.raises(StateError) as caught:
        store.load_session() if kind == "session" else store.load_worker("w")
    _assert_clean(caught.value, path)
    if kind == "worker":
        assert len(store.load_all_workers().errors) == 1


# --- ENOSPC and EIO at every system call of a write ------------------------------------

WRITE_CALLS = ("open", "write", "fchmod", "fsync", "close", "replace", "link")


class _Injector:
    """Counts the write path's system calls; fails the ``fail_at``-th one with ``code``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path, fail_at: int = 0, code: int = 0) -> None:
        self.calls: list[str] = []
        self.fail_at, self.code, self.root = fail_at, code, str(root)
        for name in WRITE_CALLS:
            monkeypatch.setattr(os, name, self._wrap(name, getattr(os, name)))

    def _wrap(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            # Paths outside the state dir (Python's own imports) are not counted; fds are, and so are
            # names relative to a directory descriptor (the store works inside one). Closing a
            # read-only directory descriptor is not a write: it cannot lose data.
            relative = any(kwargs.get(k) is not None for k in ("dir_fd", "src_dir_fd", "dst_dir_fd"))
            if args and isinstance(args[0], (str, os.PathLike)) and not relative \
                    and not os.fspath(args[0]).startswith(self.root):
                return original(*args, **kwargs)
            if name == "close" and stat.S_ISDIR(os.fstat(args[0]).st_mode):
                return original(*args, **kwargs)
            self.calls.append(name)
            if len(self.calls) == self.fail_at:
                if name == "close":
                    original(*args, **kwargs)  # the fd is gone either way; the error is what matters
                raise OSError(self.code, f"injected {errno.errorcode[self.code]} at {name}")
            return original(*args, **kwargs)
        return call


OPERATIONS: dict[str, tuple[Callable[[FileState], None], Callable[[FileState], None], Callable[[FileState], Path]]] = {
    # name: (set up the previous content, the write that fails, the file it writes)
    "save_worker": (lambda s: s.save_worker(worker("w", last_error="before")),
                    lambda s: s.save_worker(worker("w", last_error="after")), lambda s: s.worker_path("w")),
    "save_session": (lambda s: s.create_session(session(os.getpid(), zellij_session="before")),
                     lambda s: s.save_session(session(os.getpid(), zellij_session="after")),
                     lambda s: s.session_path),
    "create_session": (lambda s: None, lambda s: s.create_session(session(os.getpid())),
                       lambda s: s.session_path),
}


def _trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, operation: str) -> list[str]:
    setup, write, _ = OPERATIONS[operation]
    store = FileState(tmp_path / "trace")
    setup(store)
    with monkeypatch.context() as patch:
        injector = _Injector(patch, tmp_path / "trace")
        write(store)
    return injector.calls


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO], ids=["ENOSPC", "EIO"])
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_a_failure_at_any_step_of_a_write_keeps_the_previous_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, operation: str, code: int) -> None:
    steps = _trace(tmp_path, monkeypatch, operation)
    assert len(steps) >= 5, steps  # open, write, fchmod, fsync, close, rename... were all seen
    setup, write, target = OPERATIONS[operation]
    for index, step in enumerate(steps, start=1):
        store = FileState(tmp_path / f"{index}")
        setup(store)
        path = target(store)
        before = path.read_bytes() if path.exists() else None
        with monkeypatch.context() as patch:
            _Injector(patch, tmp_path / f"{index}", fail_at=index, code=code)
            with pytest.raises(StateError) as caught:
                write(store)
        assert errno.errorcode[code] in str(caught.value), (index, step)
        assert "\n" not in str(caught.value)
        after = path.read_bytes() if path.exists() else None
        if after != before:  # only once the new file is complete and renamed: a failed directory sync
            assert steps[index - 1:].count("replace") + steps[index - 1:].count("link") == 0, (index, step)
            json.loads(after or b"")
        leftovers = [p.name for p in (tmp_path / f"{index}").rglob("*.tmp")]
        assert leftovers == [], (index, step, leftovers)


# --- any text as a worker name ------------------------------------------------------

@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.one_of(st.text(max_size=80), st.sampled_from(["..", ".", "../x", "a/b", "/etc/passwd", "a\x00b",
                                                            "x" * 65, "x" * 4096, "\u202e", "con", "a..b"])))
def test_any_worker_name_stays_inside_the_workers_directory(tmp_path: Path, name: str) -> None:
    store = FileState(tmp_path / "state")
    try:
        path = store.worker_path(name)
    except ValidationError as error:
        assert error.issues and all("\n" not in i.message for i in error.issues)
        return
    assert path.parent == store.workers_dir and path.name == name + ".json"
    store.save_worker(worker(name))
    assert store.load_worker(name).name == name
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()] == [path.relative_to(tmp_path)]
    store.delete_worker(name)


# --- any value in any field -----------------------------------------------------------

_json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                       st.sampled_from(["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59",
                                        "2024-12-31T23:59:60Z", "2024-02-30T00:00:00Z", "", "\u2028", "idle",
                                        "busy", "../x", "10.0.0.256", "::1", "w", 2 ** 63, -1, 1.5]))
_json_any = st.recursive(_json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=8)


@settings(max_examples=int(os.environ.get("ISOLLM_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["session", "worker"]),
       changes=st.dictionaries(st.sampled_from(["version", "name", "status", "pid", "started_at", "last_activity",
                                                "current_task", "ip", "error_time", "last_error", "container_id",
                                                "zellij_session", "project_root", "extra"]),
                               _json_any, max_size=4))
def test_any_value_in_any_field_loads_or_is_a_clear_error(tmp_path: Path, kind: str, changes: dict[str, Any]) -> None:
    store = FileState(tmp_path / f"{kind}-{len(changes)}")
    path = _path(store, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(_valid(kind))
    data.update(changes)
    path.write_text(json.dumps(data))
    try:
        record = store.load_session() if kind == "session" else store.load_worker("w")
    except StateError as error:
        _assert_clean(error, path)
        return
    # What loads can be written back and loads the same.
    if kind == "session":
        store.save_session(record)  # type: ignore[arg-type]
        assert store.load_session().to_dict() == record.to_dict()
    else:
        store.save_worker(record)  # type: ignore[arg-type]
        assert store.load_worker("w").to_dict() == record.to_dict()


def test_a_planted_state_directory_symlink_is_refused(tmp_path: Path, isollm) -> None:
    """A repository can commit .isollm as a symlink: nothing is read or written through it."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "workers").mkdir(parents=True)
    project = tmp_path / "project"
    project.mkdir()
    (project / "isollm.yaml").write_text("project: demo\n")
    (project / ".isollm").symlink_to(elsewhere)
    with pytest.raises(StateError, match="is a symbolic link"):
        FileState.for_project(project)
    for command in (["state", "show"], ["state", "check"], ["state", "clean"]):
        result = isollm(*command, cwd=project)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "is a symbolic link" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in elsewhere.rglob("*")) == ["workers"]


# --- a directory swapped for a link while the store works in it ----------------------------

_SWAPPER = """
import os, shutil, sys
workers, aside, victim, stop = sys.argv[1:5]
while not os.path.exists(stop):
    try:
        if os.path.isdir(workers) and not os.path.islink(workers):
            if os.path.lexists(aside):   # a writer made a new workers/ meanwhile
                shutil.rmtree(aside)
            os.rename(workers, aside)    # the real directory out of the way...
        os.symlink(victim, workers)      # ...a link to the victim in its place...
        os.unlink(workers)
        os.rename(aside, workers)        # ...and back, so the store's checks pass now and then
    except OSError:
        pass
"""


def _victim_directory(root: Path) -> tuple[Path, dict[str, bytes]]:
    """A directory of someone else's files that look like worker files and stale temporary files."""
    victim = root / "victim"
    victim.mkdir()
    hours_ago = time.time() - 7200
    for index in range(100):
        for name in (f"v{index}.json", f".v{index}.json.x.tmp"):
            (victim / name).write_bytes(b"precious %d\n" % index)
            os.utime(victim / name, (hours_ago, hours_ago))
    return victim, {p.name: p.read_bytes() for p in victim.iterdir()}


def test_a_workers_directory_swapped_for_a_link_mid_operation_is_never_followed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The symlink checks must not be check-then-use: a process swaps ``.isollm/workers`` for a link
    to a victim directory in a tight loop while the store lists, deletes, sweeps and writes."""
    from isollm.cli.launch import main

    victim, before = _victim_directory(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    (project / "isollm.yaml").write_text("project: demo\n")
    store = FileState.for_project(project)
    store.save_worker(worker("w"))
    monkeypatch.chdir(project)
    stop = tmp_path / "stop"
    swapper = subprocess.Popen([sys.executable, "-c", _SWAPPER, str(store.workers_dir),
                                str(tmp_path / "aside"), str(victim), str(stop)])
    try:
        for round_ in range(400):
            for action in (store.clear_all_workers, store.remove_stale_temp_files, store.load_all_workers,
                           lambda: store.delete_worker("v1"), lambda: store.save_worker(worker("w")),
                           lambda: main(["state", "clean"])):
                try:
                    action()
                except StateError:
                    pass  # refusing a link it found is right; following one is not
            if round_ % 50 == 0:
                capsys.readouterr()
    finally:
        stop.touch()
        swapper.wait(timeout=30)
    after = {p.name: p.read_bytes() for p in victim.iterdir()}
    assert sorted(set(before) - set(after)) == [], "files deleted through the link"
    assert sorted(set(after) - set(before)) == [], "files written through the link"
    assert after == before


# --- numbers in every notation --------------------------------------------------------------

def test_whole_number_floats_are_read_and_written_as_integers(tmp_path: Path) -> None:
    # JSON Schema counts 1.0 as an integer (so `state check` accepts it); the Go decoder does not.
    # Read as 1, constructed as 1, always written as 1, as the config reads `workers: 3.0` as 3.
    store = FileState(tmp_path)
    store.session_path.write_text(json.dumps({**json.loads(_valid("session")), "pid": float(os.getpid()),
                                              "version": 1.0, "pid_start_time": 5.0}))
    loaded = store.load_session()
    assert (type(loaded.pid), type(loaded.version), type(loaded.pid_start_time)) == (int, int, int)
    assert loaded.pid == os.getpid() and not store.has_active_session()  # start time 5 is not ours
    created = session(1.0, pid_start_time=7.0)  # type: ignore[arg-type]
    assert (type(created.pid), type(created.pid_start_time)) == (int, int)
    store.save_session(created)
    assert b'"pid": 1,' in store.session_path.read_bytes() and b"7.0" not in store.session_path.read_bytes()
    store.save_worker(worker("w", version=1.0))
    assert b'"version": 1,' in store.worker_path("w").read_bytes()


@pytest.mark.parametrize("text, message", [
    (b"NaN", "NaN is not a JSON number"),
    (b"-Infinity", "-Infinity is not a JSON number"),
    (b"1e400", "number is too large"),
    (b"-1" + b"0" * 400 + b".5", "number is too large"),
], ids=["NaN", "-Infinity", "1e400", "400-digit-float"])
@pytest.mark.parametrize("field", ["pid", "extra"])
def test_numbers_json_cannot_hold_are_refused_on_read(tmp_path: Path, text: bytes, message: str, field: str) -> None:
    # Python's json reads them (as nan or inf), so they would otherwise load, and be written back
    # as text no JSON reader (the Go isollm's included) accepts.
    store = FileState(tmp_path)
    raw = _valid("session").replace(b'"status"', b'"%s": %s, "status"' % (field.encode(), text))
    raw = raw.replace(b'"pid": %d,' % os.getpid(), b"") if field == "pid" else raw
    store.session_path.write_bytes(raw)
    with pytest.raises(InvalidStateError, match=message) as caught:
        store.load_session()
    _assert_clean(caught.value, store.session_path)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_numbers_json_cannot_hold_are_refused_on_write(tmp_path: Path, value: float) -> None:
    store = FileState(tmp_path)
    with pytest.raises(ValidationError, match="is not a JSON number"):
        store.save_session(session(os.getpid(), extra={"x": value}))
    assert not store.session_path.exists()
