"""One located-problem model: a YAML error, a config error and a validation issue are all an
``Issue`` (path, line, column, pointer, message), and every error prints each as PATH:LINE:COL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isollm import config as cfg
from isollm.cli.report import check_config_file
from isollm.errors import ConfigError, InvalidStateError, Issue, ValidationError, YamlError
from isollm.state import FileState


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_validation_error_names_the_file_line_and_column_of_each_problem(here: Path) -> None:
    (here / "isollm.yaml").write_text("project: demo\nimage: ubuntu:24.04\nworkers: 99\nports: ['80', '80']\n")
    with pytest.raises(ValidationError) as raised:
        cfg.load_and_validate(".")
    error = raised.value
    assert str(error) == ("config validation failed:\n"
                          "  - isollm.yaml:3:10: workers cannot exceed 20\n"
                          "  - isollm.yaml:4:15: duplicate port: 80")
    assert error.errors == ["workers cannot exceed 20", "duplicate port: 80"]
    assert [(i.message, i.pointer, i.line, i.column, i.keyword, i.path) for i in error.issues] == [
        ("workers cannot exceed 20", "/workers", 3, 10, "maximum", "isollm.yaml"),
        ("duplicate port: 80", "/ports/1", 4, 15, "hostPortsDistinct", "isollm.yaml"),
    ]


def test_a_value_from_no_file_is_reported_without_a_location() -> None:
    with pytest.raises(ValidationError) as raised:
        cfg.Config({"project": "demo", "workers": 99}).validate()
    assert str(raised.value) == "config validation failed:\n  - workers cannot exceed 20"
    issue = raised.value.issues[0]
    assert (issue.path, issue.line, issue.column) == ("", None, None)


@pytest.mark.parametrize(("text", "where", "message"), [
    ("project: [\n", "isollm.yaml:2:1", "invalid YAML"),
    ("", "isollm.yaml:1:1", "config file is empty"),
    ("- a\n", "isollm.yaml:1:1", "config must be a mapping of keys to values, not a list"),
    ("a: !!binary aGk=\n", "isollm.yaml:1:4", "unsupported YAML tag !!binary"),
])
def test_a_config_error_starts_with_its_location(here: Path, text: str, where: str, message: str) -> None:
    (here / "isollm.yaml").write_text(text)
    with pytest.raises(ConfigError) as raised:
        cfg.load(".")
    assert str(raised.value).startswith(f"{where}: {message}")
    assert raised.value.issues[0].where() == where and raised.value.issues[0].path == "isollm.yaml"


def test_a_file_that_is_not_utf8_is_located_in_the_file(here: Path) -> None:
    (here / "isollm.yaml").write_bytes(b"project: demo\nimage: \xff\n")
    with pytest.raises(ConfigError) as raised:
        cfg.load(".")
    assert str(raised.value) == "isollm.yaml:2:8: file is not valid UTF-8 (byte 0xff)"


def test_a_yaml_error_is_a_config_error_born_located() -> None:
    """No reader converts one into the other: the YAML reader's error is the config error."""
    with pytest.raises(YamlError) as raised:
        cfg.parse_config_text("a: [\n", "x.yaml")
    assert isinstance(raised.value, ConfigError)
    assert raised.value.issues == [Issue(raised.value.message, "", 2, 1, "load", "x.yaml")]
    assert str(raised.value) == f"x.yaml:2:1: {raised.value.message}"


def test_the_report_holds_the_same_issues_the_api_raises(here: Path) -> None:
    (here / "bad.yaml").write_text("project: [\n")
    (here / "invalid.yaml").write_text("project: demo\nworkers: 99\n")
    with pytest.raises(ConfigError) as load_failure:
        cfg.load_file("bad.yaml")
    assert check_config_file("bad.yaml").errors == load_failure.value.issues
    with pytest.raises(ValidationError) as invalid:
        cfg.load_file("invalid.yaml").validate()
    assert check_config_file("invalid.yaml").errors == invalid.value.issues


def test_warnings_are_issues_with_a_severity(here: Path) -> None:
    (here / "isollm.yaml").write_text("project: demo\nimage: ubuntu\n")
    (warning,) = cfg.load(".").warning_issues()
    assert (warning.severity, warning.path, warning.line, warning.column) == ("warning", "isollm.yaml", 2, 8)
    assert str(warning) == "isollm.yaml:2:8: image has no tag, will use :latest"


def test_an_invalid_state_file_error_names_each_problem_where_it_is(tmp_path: Path) -> None:
    store = FileState(tmp_path)
    store.session_path.write_text(json.dumps({
        "version": 1, "status": "running", "started_at": "2025-01-15T10:30:00Z", "pid": "4242",
        "project_root": "", "bare_repo_path": "", "zellij_session": ""}, indent=2))
    with pytest.raises(InvalidStateError) as raised:
        store.load_session()
    path = str(store.session_path)
    assert str(raised.value) == (f"{path}: invalid session:\n"
                                 f"  - {path}:5:10: pid must be a whole number\n"
                                 f"  - {path}:6:19: project_root is required")
    assert [i.path for i in raised.value.issues] == [path, path]


def test_a_path_with_a_newline_prints_on_one_line() -> None:
    issue = Issue("m", line=1, column=2, path="a\n::error ::x.yaml")
    assert str(issue) == "a\\n::error ::x.yaml:1:2: m"
    error = ValidationError([issue])
    assert len(str(error).splitlines()) == 2
