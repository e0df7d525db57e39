"""Peak memory is a small multiple of the file's size, whatever the shape of the file.

A location that repeats every key above it costs depth times key length per value:
60 nested 1,000-character keys over a 20,000-item list once took 2.4 GB for a
100 KB file. Each shape here is about 100 KB; each run is a process of its own (the
hook, ``state check``) under the hostile corpus's limits (512 MiB of address space),
and what it uses beyond the same process on a tiny invalid file must stay under
``PER_BYTE`` bytes per byte of input. Memory is measured (ru_maxrss), not time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile import corpus

# Python holds a value of a few bytes in a few hundred: a constant, not depth x keys (the regression
# was 24,000). Measured per run since each run is forked from the small limited-run server: 49-131
# (131: the list of bad ports, two bytes a value). Before, each run's ru_maxrss included the pytest
# process's own (a fork keeps the parent's high-water mark across exec), which hid any peak below it.
PER_BYTE = 160
LONG_KEYS = [f"k{i}" + "x" * 998 for i in range(60)]


def _nested(inner: str) -> str:
    """``inner`` under 60 nested mappings, each key 1,000 characters long (flow style)."""
    return "".join("{" + json.dumps(key) + ": " for key in LONG_KEYS) + inner + "}" * len(LONG_KEYS)


CONFIG_SHAPES = {
    "deep long keys over a long list": _nested("[" + ",".join(["1"] * 20_000) + "]"),
    "deep long keys over empty mappings": _nested("[" + ",".join(["{}"] * 15_000) + "]"),
    "deep long keys over repeated keys": _nested("{" + ",".join(["a: 1"] * 10_000) + "}"),
    "deep long keys over leading zeros": _nested("[" + ",".join(["01"] * 15_000) + "]"),
    "a long list of bad ports": "project: pp\nports: [" + ",".join(["x"] * 40_000) + "]",
    "many unknown keys": "project: pp\n" + "".join(f"k{i}: 1\n" for i in range(15_000)),
}


def _worker(extra: object) -> str:
    return json.dumps({"name": "w1", "status": "idle", "extra": extra})


def _deep(inner: object) -> object:
    for key in reversed(LONG_KEYS):
        inner = {key: inner}
    return inner


WORKER_SHAPES = {
    "deep long keys over a long list": _worker(_deep([1] * 20_000)),
    "deep long keys over bad statuses": json.dumps({"name": "w1", "status": "idle", "task_history": [
        {"task_id": "t", "status": "x" * 3, "extra": _deep(1) if i == 0 else 1} for i in range(5_000)]}),
}


def _extra_kib(directory: Path, entry: str, args: list[str], write: object, big: str, small: str) -> tuple[int, int]:
    """(KiB the run on ``big`` used beyond the run on ``small``, size of ``big`` in bytes)."""
    peaks = []
    for text in (small, big):
        write(text)  # type: ignore[operator]
        run = corpus.run_limited(entry, args, directory, timeout=120)
        assert run.status == 1, run.stderr[-2000:]
        assert "Traceback" not in run.stderr and "MemoryError" not in run.stderr, run.stderr[-2000:]
        peaks.append(run.peak_kib)
    return peaks[1] - peaks[0], len(big.encode())


@pytest.mark.parametrize("shape", sorted(CONFIG_SHAPES))
def test_the_hook_uses_memory_in_proportion_to_the_file(tmp_path: Path, shape: str) -> None:
    config = tmp_path / "isollm.yaml"
    extra_kib, size = _extra_kib(tmp_path, corpus.HOOK, ["isollm.yaml"],
                                 lambda text: config.write_text(text + "\n", encoding="utf-8"),
                                 CONFIG_SHAPES[shape], "project: p\n")
    assert extra_kib * 1024 <= PER_BYTE * size, f"{extra_kib} KiB for {size} bytes"


@pytest.mark.parametrize("shape", sorted(WORKER_SHAPES))
def test_state_check_uses_memory_in_proportion_to_the_file(tmp_path: Path, shape: str) -> None:
    (tmp_path / "isollm.yaml").write_text("project: pp\n", encoding="utf-8")
    workers = tmp_path / ".isollm" / "workers"
    workers.mkdir(parents=True)
    extra_kib, size = _extra_kib(tmp_path, corpus.LAUNCH, ["state", "check"],
                                 lambda text: (workers / "w1.json").write_text(text, encoding="utf-8"),
                                 WORKER_SHAPES[shape], '{"name": "w1"}')
    assert extra_kib * 1024 <= PER_BYTE * size, f"{extra_kib} KiB for {size} bytes"
