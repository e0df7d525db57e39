"""A file name is data: printed, it stays on its line, so it can neither start a line of its
own (``::error`` is a GitHub Actions workflow command) nor break the YAML ``config show`` prints."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from isollm.cli.launch import main

HOSTILE = "a\n::error file=x.yaml::boom\r\u2028\x85.yaml"
VALID = "project: demo\nimage: ubuntu:24.04\n"


def test_validate_prints_the_valid_line_on_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / HOSTILE).write_text(VALID)
    assert main(["validate", HOSTILE]) == 0
    out = capsys.readouterr().out
    assert out == "a\\n::error file=x.yaml::boom\\r\\u2028\\x85.yaml: valid\n"
    assert not any(line.startswith("::") for line in out.splitlines())


def test_validate_keeps_an_invalid_file_name_on_its_diagnostic_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / HOSTILE).write_text("project: demo\nworkers: 99\n")
    assert main(["validate", HOSTILE]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == ["a\\n::error file=x.yaml::boom\\r\\u2028\\x85.yaml:2:10: error: workers cannot exceed 20"]


def test_config_show_header_escapes_the_path_and_the_output_stays_yaml(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "proj\n::error ::x\nworkers: 99"
    project.mkdir()
    (project / "isollm.yaml").write_text(VALID)
    monkeypatch.chdir(project)
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    assert header.startswith("# Configuration: ") and header.endswith("proj\\n::error ::x\\nworkers: 99/isollm.yaml")
    assert not any(line.startswith("::") for line in out.splitlines())
    shown = yaml.safe_load(out)
    assert shown["project"] == "demo" and shown["workers"] == 3
