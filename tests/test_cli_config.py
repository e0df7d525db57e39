"""``isollm config show`` and ``isollm config edit`` with real files and a scripted editor."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from tests.pty_session import spawn_isollm

VALID = "# my comment\nproject: demo\nworkers: 2   # two is enough\n"
EDITOR_SCRIPT = textwrap.dedent('''
    """A scripted editor: follows the steps in $EDIT_PLAN, one per call, and records what it saw."""
    import json, os, sys

    path = sys.argv[-1]
    plan_file = os.environ["EDIT_PLAN"]
    with open(plan_file) as handle:
        plan = json.load(handle)
    calls = plan.get("calls", 0)
    step = plan["steps"][min(calls, len(plan["steps"]) - 1)]
    plan["calls"] = calls + 1
    plan.setdefault("argv", []).append(sys.argv[1:])
    with open(path, "rb") as handle:
        before = handle.read().decode()
    plan.setdefault("seen", []).append(before)
    with open(plan_file, "w") as handle:
        json.dump(plan, handle)
    if "content" in step:
        with open(path, "wb") as handle:
            handle.write(step["content"].encode())
    if "replace" in step:
        with open(path, "wb") as handle:
            handle.write(before.replace(*step["replace"]).encode())
    if "meanwhile" in step:  # someone else writes the real config while the editor is open
        target, text = step["meanwhile"]
        with open(target, "w") as handle:
            handle.write(text)
    sys.exit(step.get("exit", 0))
''')


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "src" / "deep").mkdir(parents=True)
    (root / "isollm.yaml").write_text(VALID)
    return root


@pytest.fixture
def editor(tmp_path: Path):  # type: ignore[no-untyped-def]
    """``editor(steps)`` -> (env for isollm, function returning the recorded plan)."""
    script = tmp_path / "editor dir" / "edit.py"
    script.parent.mkdir()
    script.write_text(EDITOR_SCRIPT)
    plan = tmp_path / "plan.json"

    def make(*steps: dict[str, object], variable: str = "EDITOR", extra: str = "") -> tuple[dict[str, str], object]:
        plan.write_text(json.dumps({"steps": list(steps)}))
        command = f'{sys.executable} "{script}"{extra}'
        env = {"EDIT_PLAN": str(plan), "VISUAL": "", "EDITOR": ""}
        env[variable] = command
        return env, lambda: json.loads(plan.read_text())
    return make


def _leftovers(root: Path) -> list[str]:
    """What an edit left in the project: anything but the config, src/ and an empty .isollm/."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.relative_to(root).parts[0] not in ("isollm.yaml", "src") and p != root / ".isollm")


def _clean(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.stderr + result.stdout


# -- config show ---------------------------------------------------------------

def test_show_yaml_is_headed_and_resolved(isollm, project: Path) -> None:
    result = isollm("config", "show", cwd=project)
    assert result.returncode == 0, result.stderr
    head = result.stdout.splitlines()[:3]
    assert head == [f"# Configuration: {project}/isollm.yaml", "# (defaults applied for missing values)", ""]
    data = yaml.safe_load(result.stdout)
    assert data["project"] == "demo" and data["workers"] == 2
    assert data["image"] == "ubuntu:24.04" and data["git"]["base_branch"] == "main"
    assert result.stderr == ""


@pytest.mark.parametrize("args", [("--format", "json"), ("--format=json",), ("-f", "json")])
def test_show_json(isollm, project: Path, args: tuple[str, ...]) -> None:
    result = isollm("config", "show", *args, cwd=project / "src" / "deep")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["airyra"]["project"] == "demo"


def test_show_prints_an_invalid_config_with_located_errors(isollm, project: Path) -> None:
    (project / "isollm.yaml").write_text("project: demo\nworkers: 99\nimage: ubuntu\nzellij:\n  layout: diagonal\n")
    result = isollm("config", "show", cwd=project / "src")
    _clean(result)
    assert result.returncode == 0
    assert yaml.safe_load(result.stdout)["workers"] == 99
    lines = result.stderr.splitlines()
    assert any(line.startswith("../isollm.yaml:2:10: error: workers cannot exceed") for line in lines), lines
    assert any(":3:8: warning: image has no tag" in line for line in lines), lines
    assert any(":5:11: error: zellij.layout must be one of" in line for line in lines), lines


def test_show_json_writes_yaml_only_values_as_text(isollm, project: Path) -> None:
    (project / "isollm.yaml").write_text("project: demo\nworkers: .inf\n")
    result = isollm("config", "show", "--format", "json", cwd=project)
    assert result.returncode == 0
    assert json.loads(result.stdout)["workers"] == ".inf"


@pytest.mark.parametrize("content, message", [
    ("", "isollm.yaml:1:1: error: config file is empty"),
    ("- a\n- b\n", "isollm.yaml:1:1: error: config must be a mapping"),
    ("project: [unclosed\n", "isollm.yaml:2:1: error:"),
])
def test_show_unreadable_config_exits_1(isollm, project: Path, content: str, message: str) -> None:
    (project / "isollm.yaml").write_text(content)
    result = isollm("config", "show", cwd=project)
    _clean(result)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(message), result.stderr


@pytest.mark.parametrize("value", ["xml", "True", "0x10", "", "yaml\n", "ｙａｍｌ"])
def test_show_refuses_unknown_formats_as_usage_errors(isollm, project: Path, value: str) -> None:
    result = isollm("config", "show", f"--format={value}", cwd=project)
    _clean(result)
    assert result.returncode == 2
    assert result.stderr.startswith("error: --format must be one of: yaml, json")
    assert len(result.stderr.strip().splitlines()) == 1


def test_show_happy_path_does_not_import_jsonschema(isollm, project: Path) -> None:
    result = isollm("config", "show", cwd=project, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0
    imported = [line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line]
    assert "isollm.config" in imported
    assert not any(name.split(".")[0] == "jsonschema" for name in imported)


# -- config edit ---------------------------------------------------------------

def test_valid_edit_is_saved_exactly_as_written(isollm, project: Path, editor) -> None:  # type: ignore[no-untyped-def]
    new = "# rewritten by hand\nproject: demo   # keep\nworkers: 5\nports: ['8080']\n"
    env, recorded = editor({"content": new})
    result = isollm("config", "edit", cwd=project / "src" / "deep", env=env)
    _clean(result)
    assert result.returncode == 0, result.stderr
    assert (project / "isollm.yaml").read_text() == new
    assert "saved" in result.stdout
    plan = recorded()
    edited = Path(plan["argv"][0][-1])
    # A copy that keeps the config's name, in a directory of its own inside the project.
    assert edited.parent.parent == project / ".isollm" and edited.name == "isollm.yaml"
    assert plan["seen"] == [VALID]
    assert _leftovers(project) == []


def test_no_change_says_so(isollm, project: Path, editor) -> None:  # type: ignore[no-untyped-def]
    env, _ = editor({})
    before = (project / "isollm.yaml").stat().st_mtime_ns
    result = isollm("config", "edit", cwd=project, env=env)
    assert result.returncode == 0
    assert "No changes" in result.stdout
    assert (project / "isollm.yaml").stat().st_mtime_ns == before
    assert _leftovers(project) == []


@pytest.mark.parametrize("content, message", [
    ("project: demo\nworkers: 99\n", ":2:10: error: workers cannot exceed"),
    ("project: demo\nworkers: [\n", "isollm.yaml:3:1: error:"),
    ("", "error: config file is empty"),
    ("project: demo\nproject: other\n", 'duplicate key "project"'),
])
def test_invalid_edit_without_terminal_aborts(isollm, project: Path, editor, content: str,
                                              message: str) -> None:  # type: ignore[no-untyped-def]
    env, recorded = editor({"content": content})
    result = isollm("config", "edit", cwd=project, env=env)
    _clean(result)
    assert result.returncode == 1
    assert message in result.stderr
    assert "left unchanged" in result.stderr
    assert (project / "isollm.yaml").read_text() == VALID
    assert recorded()["calls"] == 1
    assert _leftovers(project) == []


def test_edit_keeps_warnings_visible_but_saves(isollm, project: Path, editor) -> None:  # type: ignore[no-untyped-def]
    env, _ = editor({"replace": ["workers: 2", "image: ubuntu\nworkers: 2"]})
    result = isollm("config", "edit", cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    assert "warning: image has no tag" in result.stderr
    assert "image: ubuntu\n" in (project / "isollm.yaml").read_text()


@pytest.mark.parametrize("exit_code", [1, 3, 127])
def test_editor_failure_leaves_config_untouched(isollm, project: Path, editor,
                                                exit_code: int) -> None:  # type: ignore[no-untyped-def]
    env, _ = editor({"content": "project: changed\n", "exit": exit_code})
    result = isollm("config", "edit", cwd=project, env=env)
    _clean(result)
    assert result.returncode == 1
    assert f"exited with status {exit_code}" in result.stderr
    assert (project / "isollm.yaml").read_text() == VALID
    assert _leftovers(project) == []


def test_edit_refuses_a_planted_state_directory_link(isollm, project: Path, tmp_path: Path,
                                                     editor) -> None:  # type: ignore[no-untyped-def]
    # The copy is made in .isollm/: a link planted there would put it (and the edit) elsewhere.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".isollm").symlink_to(elsewhere)
    env, recorded = editor({"content": "project: changed\n"})
    result = isollm("config", "edit", cwd=project, env=env)
    _clean(result)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == ("error: .isollm is a symbolic link; refusing to edit through it; "
                                              "isollm.yaml left unchanged")
    assert (project / "isollm.yaml").read_text() == VALID
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("value, message", [
    ("/nonexistent/editor", "editor not found: /nonexistent/editor"),
    ("'unbalanced", "cannot understand $EDITOR"),
])
def test_bad_editor_is_a_clear_error(isollm, project: Path, value: str, message: str) -> None:
    result = isollm("config", "edit", cwd=project, env={"VISUAL": "", "EDITOR": value})
    _clean(result)
    assert result.returncode == 1
    assert message in result.stderr
    assert (project / "isollm.yaml").read_text() == VALID
    assert _leftovers(project) == []


def test_editor_arguments_are_split_like_a_shell_but_never_run_by_one(isollm, project: Path,
                                                                      editor) -> None:  # type: ignore[no-untyped-def]
    env, recorded = editor({"replace": ["workers: 2", "workers: 4"]}, extra=" --wait '; touch pwned' $HOME")
    result = isollm("config", "edit", cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    argv = recorded()["argv"][0]
    assert argv[:3] == ["--wait", "; touch pwned", "$HOME"]
    assert not (project / "pwned").exists()
    assert "workers: 4" in (project / "isollm.yaml").read_text()


def test_visual_wins_over_editor(isollm, project: Path, editor) -> None:  # type: ignore[no-untyped-def]
    env, recorded = editor({"replace": ["workers: 2", "workers: 6"]}, variable="VISUAL")
    env["EDITOR"] = "/nonexistent/editor"
    result = isollm("config", "edit", cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    assert recorded()["calls"] == 1


def test_edit_keeps_file_mode(isollm, project: Path, editor) -> None:  # type: ignore[no-untyped-def]
    (project / "isollm.yaml").chmod(0o600)
    env, _ = editor({"replace": ["workers: 2", "workers: 7"]})
    assert isollm("config", "edit", cwd=project, env=env).returncode == 0
    assert (project / "isollm.yaml").stat().st_mode & 0o777 == 0o600


def _spawn(project: Path, env: dict[str, str]):  # type: ignore[no-untyped-def]
    return spawn_isollm("config", "edit", cwd=project, env=env)


def test_invalid_then_fixed_on_a_terminal(project: Path, editor) -> None:  # type: ignore[no-untyped-def]
    env, recorded = editor({"content": "project: demo\nworkers: 0\n"}, {"content": "project: demo\nworkers: 8\n"})
    pexpect, child = _spawn(project, env)
    child.expect("workers must be at least 1")
    child.expect(r"\(e\)dit again or \(a\)bort\? \[e\] ")
    child.sendline("e")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert (project / "isollm.yaml").read_text() == "project: demo\nworkers: 8\n"
    plan = recorded()
    assert plan["calls"] == 2
    assert plan["seen"][1] == "project: demo\nworkers: 0\n"  # the second round starts from the user's text
    assert _leftovers(project) == []


@pytest.mark.parametrize("answer", ["a", "abort"])
def test_invalid_then_abort_on_a_terminal(project: Path, editor, answer: str) -> None:  # type: ignore[no-untyped-def]
    env, recorded = editor({"content": "project: 1\n"})
    pexpect, child = _spawn(project, env)
    child.expect(r"\(e\)dit again or \(a\)bort\?")
    child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "left unchanged" in child.before
    assert (project / "isollm.yaml").read_text() == VALID
    assert recorded()["calls"] == 1
    assert _leftovers(project) == []


def test_outside_a_project(isollm, tmp_path: Path) -> None:
    for args in (("config", "show"), ("config", "edit"), ("validate",)):
        result = isollm(*args, cwd=tmp_path, env={"EDITOR": "true"})
        assert result.returncode == 1
        assert result.stderr == "error: not in an isollm project (no isollm.yaml found)\n"


def _saved_edit(stderr: str, tmpdir: Path) -> Path:
    (saved,) = [Path(word) for word in stderr.split() if word.startswith(str(tmpdir))]
    return saved


def test_an_aborted_invalid_edit_is_saved_not_lost(isollm, project: Path, editor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env, _ = editor({"content": "project: demo\nworkers: 99\n# my careful notes\n"})
    result = isollm("config", "edit", cwd=project, env={**env, "TMPDIR": str(tmpdir)})
    _clean(result)
    assert result.returncode == 1
    assert (project / "isollm.yaml").read_text() == VALID
    assert _saved_edit(result.stderr, tmpdir).read_text() == "project: demo\nworkers: 99\n# my careful notes\n"
    assert _leftovers(project) == []


def test_a_config_changed_during_the_edit_is_not_overwritten(isollm, project: Path, editor,
                                                             tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    theirs = "project: demo\nworkers: 5\n"
    env, _ = editor({"replace": ["workers: 2", "workers: 4"],
                     "meanwhile": [str(project / "isollm.yaml"), theirs]})
    result = isollm("config", "edit", cwd=project, env={**env, "TMPDIR": str(tmpdir)})
    _clean(result)
    assert result.returncode == 1
    assert "changed on disk while you were editing" in result.stderr
    assert (project / "isollm.yaml").read_text() == theirs
    assert _saved_edit(result.stderr, tmpdir).read_text() == VALID.replace("workers: 2", "workers: 4")
    assert _leftovers(project) == []


def test_edit_refuses_a_fifo_named_like_the_config(isollm, tmp_path: Path, editor) -> None:  # type: ignore[no-untyped-def]
    """Reading a FIFO would block forever; the edit must refuse it at once and run no editor."""
    root = tmp_path / "fifo-project"
    root.mkdir()
    os.mkfifo(root / "isollm.yaml")
    env, recorded = editor({"content": "project: demo\n"})
    result = isollm("config", "edit", cwd=root, env=env, timeout=20)
    _clean(result)
    assert result.returncode == 1
    assert "not a regular file" in result.stderr
    assert "calls" not in recorded()
