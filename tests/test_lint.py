"""The code passes the linter (ruff, with the small rule set in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_package_tests_and_benchmarks_are_lint_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "isollm", "tests", "bench"],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
