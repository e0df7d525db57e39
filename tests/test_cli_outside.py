"""Outside a project, and other first steps that go wrong: each says what happened and what to do."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

RENAME = ("isollm.yml: error: isollm reads only isollm.yaml; rename isollm.yml to isollm.yaml "
          "(git mv isollm.yml isollm.yaml)")


def test_outside_a_project_says_where_it_looked_and_what_to_run(isollm, tmp_path: Path) -> None:
    result = isollm("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (f"error: not in an isollm project: no isollm.yaml in {tmp_path.resolve()} or any "
                             "directory above it ('isollm init' creates one)\n")


@pytest.mark.parametrize("args", [(), (".",)], ids=["searched", "named"])
def test_a_directory_with_only_isollm_yml_says_rename(isollm, tmp_path: Path, args: tuple[str, ...]) -> None:
    """Bare ``validate`` finds the directory by searching; ``validate .`` names it: the same report."""
    (tmp_path / "isollm.yml").write_text("project: demo\n")
    result = isollm("validate", *args, cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()) == (1, [RENAME])


def test_hook_on_a_directory_with_only_isollm_yml_says_rename(hook, tmp_path: Path) -> None:
    (tmp_path / "isollm.yml").write_text("project: demo\n")
    result = hook(".", cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()) == (1, [RENAME])


@pytest.mark.parametrize("args", [("validate", ""), ("config", "show", ""), ("config", "get", "workers", "")])
def test_an_empty_path_is_a_usage_error(isollm, tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\n")
    result = isollm(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: PATH is empty: name a config file, a directory (its isollm.yaml) "
                                    "or - (standard input)"), result.stderr


@pytest.mark.parametrize("args", [("validate",), ("config", "show"), ("state", "show"), ("init", "--name", "demo")])
def test_a_deleted_working_directory_is_named(isollm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              args: tuple[str, ...]) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    monkeypatch.setenv("PWD", str(gone))  # what the shell knows it as
    result = isollm(*args)
    assert result.returncode == 1
    assert result.stderr == f"error: the current directory {gone} no longer exists (deleted?): cd to one that does\n"
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(("args", "status"), [
    (("config", "get", "nope"), 1), (("config", "set", "nope", "1"), 1), (("config", "unset", "nope"), 1),
    (("config", "get"), 2), (("config", "set", "workers"), 2), (("config", "unset"), 2),
    (("config", "get", "workers", "--nope"), 2),
])
def test_unknown_key_fails_and_usage_error_is_2(isollm, tmp_path: Path, args: tuple[str, ...], status: int) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\n")
    result = isollm(*args, cwd=tmp_path)
    assert result.returncode == status, result.stderr
    assert (tmp_path / "isollm.yaml").read_text() == "project: demo\n"
