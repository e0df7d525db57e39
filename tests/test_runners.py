"""The in-process runners (``isollm``, ``hook``) answer exactly as a real process does.

Most CLI tests call ``main(argv)`` in the test process; these compare that, call by
call, with ``python -m`` in a new interpreter, so an in-process test cannot pass on
behaviour a user would not see.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

VALID = "project: demo\nworkers: 3\n"
INVALID = "project: demo\nworkers: 99\nimage: ubuntu\n"

HOOK_ARGS = [[], ["isollm.yaml"], ["bad.yaml"], ["--format", "json", "bad.yaml"], ["--format=github", "bad.yaml"],
             ["missing.yaml"], ["isollm.yaml", "bad.yaml", "missing.yaml"], ["--bogus"], ["--format"], ["-h"],
             ["--", "-x.yaml"], ["-"]]
ISOLLM_ARGS = [["validate"], ["validate", "bad.yaml", "--format", "json"], ["config", "show"],
               ["config", "show", "--format", "json"], ["state", "show"], ["state", "check"], ["schema", "--path"],
               ["--help"], ["config", "--help"], ["bogus"], ["init", "--workers", "0"], ["config", "edit"],
               ["init"]]


def _project(root: Path) -> Path:
    root.mkdir()
    (root / "isollm.yaml").write_text(VALID)
    (root / "bad.yaml").write_text(INVALID)
    return root


def _same(in_process: subprocess.CompletedProcess[str], process: subprocess.CompletedProcess[str]) -> None:
    assert (in_process.returncode, in_process.stdout, in_process.stderr) == \
        (process.returncode, process.stdout, process.stderr)


@pytest.mark.parametrize("args", HOOK_ARGS, ids=lambda a: " ".join(a) or "(none)")
def test_hook_in_process_is_the_hook_in_a_process(hook, hook_process, tmp_path: Path, args: list[str]) -> None:
    project = _project(tmp_path / "p")
    _same(hook(*args, cwd=project), hook_process(*args, cwd=project))


@pytest.mark.parametrize("args", ISOLLM_ARGS, ids=" ".join)
def test_isollm_in_process_is_isollm_in_a_process(isollm, isollm_process, tmp_path: Path, args: list[str]) -> None:
    # Commands that write (init) get a directory each.
    empty = args[0] == "init"
    first, second = (tmp_path / "1" / "my-app", tmp_path / "2" / "my-app") if empty else (_project(tmp_path / "p"),) * 2
    for directory in (first, second):
        directory.mkdir(parents=True, exist_ok=True)
    env = {"EDITOR": "false", "VISUAL": ""}
    ran, spawned = isollm(*args, cwd=first, env=env), isollm_process(*args, cwd=second, env=env)
    _same(ran, spawned)
    if empty:
        assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in second.iterdir())


def test_in_process_runs_leave_the_test_process_as_they_found_it(isollm, tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    before = (os.getcwd(), dict(os.environ), sys.stdin, sys.stdout, sys.stderr, sys.argv)
    errors = (sys.stdout.errors, sys.stderr.errors)
    result = isollm("validate", "bad.yaml", cwd=project, env={"ISOLLM_PROBE": "1"}, input="text\n")
    assert result.returncode == 1 and "bad.yaml:2:10: error:" in result.stderr
    assert (os.getcwd(), dict(os.environ), sys.stdin, sys.stdout, sys.stderr, sys.argv) == before
    assert (sys.stdout.errors, sys.stderr.errors) == errors


def test_in_process_stdin_is_the_input_and_no_terminal(isollm, tmp_path: Path) -> None:
    # init asks questions only on a terminal: given input but no terminal, it takes the defaults.
    directory = tmp_path / "my-app"
    directory.mkdir()
    result = isollm("init", cwd=directory, input="other\n7\n")
    assert result.returncode == 0, result.stderr
    assert "project: my-app" in (directory / "isollm.yaml").read_text()


def test_in_process_run_times_out_like_a_process(isollm, tmp_path: Path) -> None:
    editor = tmp_path / "slow-editor"
    editor.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(30)\n")
    editor.chmod(0o755)
    project = _project(tmp_path / "p")
    with pytest.raises(subprocess.TimeoutExpired):
        isollm("config", "edit", cwd=project, env={"VISUAL": str(editor)}, timeout=0.5)
    assert (project / "isollm.yaml").read_text() == VALID


def test_variables_only_an_interpreter_reads_are_refused_in_process(isollm, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="new interpreter"):
        isollm("validate", cwd=tmp_path, env={"PYTHONPROFILEIMPORTTIME": "1"})
