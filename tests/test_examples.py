"""Every example config through the API and the real CLI: valid ones pass, invalid
ones produce exactly the located messages recorded beside them."""

from __future__ import annotations

from pathlib import Path

import pytest

from isollm.check import check_config
from isollm.config import load_file
from isollm.errors import ConfigError
from isollm.cli.report import check_config_file, text_lines

from conftest import EXAMPLES

VALID = sorted((EXAMPLES / "valid").glob("*.yaml"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.yaml"))


def expected_lines(path: Path) -> list[str]:
    return path.with_suffix(".errors.txt").read_text(encoding="utf-8").splitlines()


def test_the_corpus_is_not_empty() -> None:
    assert len(VALID) >= 5 and len(INVALID) >= 15


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example_passes_api(path: Path) -> None:
    config = load_file(path)
    config.validate()
    assert config.issues() == []
    checked = check_config(path.read_bytes(), str(path))  # the stage the API's issues() come from
    assert checked.valid and checked.data == config._data and checked.document == config._document


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
@pytest.mark.parametrize("source", ["file", "text"])
def test_invalid_example_reports_recorded_messages_via_api(path: Path, source: str) -> None:
    """From the file, and (as an editor holds it) from its text under the file's name."""
    report = check_config_file(path) if source == "file" else check_config(path.read_text("utf-8"), str(path))
    assert not report.valid
    lines = [line.removeprefix(f"{path}:") for line in text_lines(report)]
    assert lines == expected_lines(path)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_every_error_has_a_line(path: Path) -> None:
    try:
        issues = load_file(path).issues()
    except ConfigError as error:
        assert error.line is not None
        return
    assert issues and all(issue.line is not None and issue.column is not None for issue in issues)


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_cli_agrees_with_recorded_outcome(path: Path, isollm, tmp_path: Path) -> None:
    result = isollm("validate", path, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    if path.parent.name == "valid":
        assert result.returncode == 0, result.stderr
        assert ": error:" not in result.stderr
    else:
        assert result.returncode == 1
        assert result.stderr.splitlines() == [f"{path}:{line}" for line in expected_lines(path)]
