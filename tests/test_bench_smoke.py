"""The benchmark still runs (smoke sizes) and prints its table; no timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# One pytest-xdist worker runs the whole file, so its module-scoped fixtures run once.
pytestmark = pytest.mark.xdist_group("bench_smoke")

REPO = Path(__file__).resolve().parent.parent
GOALS = ("hook vs check-jsonschema", "hook vs floor", "hook vs import yaml", "hook peak memory", "bulk:",
         "save_worker", "load_all_workers", "isollm config show vs floor", "isollm state show vs floor",
         "lsp: change to diagnostics, typical config", "lsp: change to diagnostics, 1,000 ports")


@pytest.fixture(scope="module")
def smoke_output() -> str:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--smoke"], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_prints_the_table_header(smoke_output: str) -> None:
    assert "| goal | ours | median | against | median | ratio | target | met |" in smoke_output


@pytest.mark.parametrize("goal", GOALS)
def test_every_goal_has_a_row(smoke_output: str, goal: str) -> None:
    rows = [line for line in smoke_output.splitlines() if line.startswith(f"| {goal}")]
    assert rows, f"no row for {goal!r} in:\n{smoke_output}"
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 8, row
        # A row either measured something (a ratio) or says why it was skipped.
        assert cells[5].endswith("x") or "skipped" in cells[7], row


@pytest.mark.parametrize("peer", ["check-jsonschema", "jsonschema", "PyYAML", "Python"])
def test_names_the_peer_versions(smoke_output: str, peer: str) -> None:
    versions = next(line for line in smoke_output.splitlines() if line.startswith("versions:"))
    assert peer in versions
