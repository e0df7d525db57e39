"""The state benchmark runs (tiny sizes) and prints its table; no timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "state_throughput.py"


def test_state_benchmark_smoke_run(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, str(BENCH), "--smoke", "--dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    for row in ("save_worker", "bare", "bare+dirsync", "load_all_workers per-worker cost"):
        assert row in run.stdout
    assert list(tmp_path.iterdir()) == []  # the benchmark cleans up after itself
