"""The package type-checks under mypy --strict (settings in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_package_is_mypy_strict_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "isollm"], cwd=REPO, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
