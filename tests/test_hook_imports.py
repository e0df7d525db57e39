"""The hook's start-up is what a commit pays: on a valid file it must not import
jsonschema (~75 ms) or Fire (~60 ms); on an invalid one jsonschema explains once."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent / "examples"
VALID = "project: demo\nworkers: 3\nports: ['3000', '8080:80']\n"


def _imported(stderr: str) -> set[str]:
    """Top-level packages named by ``python -X importtime``."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize("heavy", ["jsonschema", "fire", "asyncio"])
def test_valid_file_imports_no_heavy_module(hook, tmp_path: Path, heavy: str) -> None:
    (tmp_path / "isollm.yaml").write_text(VALID)
    result = hook("isollm.yaml", cwd=tmp_path, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stderr
    imported = _imported(result.stderr)
    assert "isollm" in imported  # the probe works
    assert heavy not in imported


def test_invalid_files_import_jsonschema_to_explain_and_never_fire(hook, tmp_path: Path) -> None:
    for index in range(3):
        (tmp_path / f"c{index}.yaml").write_text(VALID.replace("workers: 3", f"workers: {40 + index}"))
    result = hook("c0.yaml", "c1.yaml", "c2.yaml", cwd=tmp_path, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 1
    assert "jsonschema" in _imported(result.stderr)
    assert "fire" not in _imported(result.stderr)
    located = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [line.split(":")[0] for line in located] == ["c0.yaml", "c1.yaml", "c2.yaml"]
    assert all(line.split(":")[1].isdigit() for line in located)
