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
from isollm import config as cfg

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
    if step.get("interactive"):  # like vim: catch Ctrl-C and Ctrl-\\, wait for the user
        import signal
        caught = []
        for name in ("SIGINT", "SIGQUIT"):
            signal.signal(getattr(signal, name), lambda number, frame: caught.append(signal.Signals(number).name))
        print("EDITOR READY", flush=True)
        sys.stdin.readline()
        plan["signals"] = caught
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
    if "kill" in step:
        os.kill(os.getpid(), step["kill"])
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
    """What an edit left in the project: anything but the config and src/."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.relative_to(root).parts[0] not in ("isollm.yaml", "src"))


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


def test_show_happy_path_does_not_import_jsonschema(isollm_process, project: Path) -> None:
    result = isollm_process("config", "show", cwd=project, env={"PYTHONPROFILEIMPORTTIME": "1"})
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
    # The second round starts from the user's text, headed by its errors (at the lines the editor shows).
    assert plan["seen"][1] == (
        "# isollm config edit: not saved, because of the errors below. Fix them, save and quit.\n"
        "#   isollm.yaml:5:10: error: workers must be at least 1\n"
        "# (isollm removes these lines, down to this one, before it checks and saves the file.)\n"
        "project: demo\nworkers: 0\n")
    assert _leftovers(project) == []


def test_edit_again_shows_the_errors_and_takes_them_out_when_installed(project: Path, editor) -> None:  # type: ignore[no-untyped-def]
    env, recorded = editor({"content": "# mine\nproject: demo\nworkers: 0\nimage: ''\n"},
                           {"replace": ["workers: 0\nimage: ''", "workers: 8"]})
    pexpect, child = _spawn(project, env)
    child.expect(r"\(e\)dit again or \(a\)bort\? \[e\] ")
    child.sendline("e")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    seen = recorded()["seen"][1].splitlines()
    assert seen[1:3] == ["#   isollm.yaml:7:10: error: workers must be at least 1",
                         "#   isollm.yaml:8:8: error: image is required"]
    assert seen[6:8] == ["workers: 0", "image: ''"]  # lines 7 and 8, as the notes say
    assert (project / "isollm.yaml").read_text() == "# mine\nproject: demo\nworkers: 8\n"
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
        assert result.stderr == (f"error: not in an isollm project: no isollm.yaml in {tmp_path.resolve()} or any "
                                 "directory above it ('isollm init' creates one)\n")


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


# -- an edit is never lost: signals, interruptions, failed writes ------------------

def test_ctrl_c_and_ctrl_backslash_while_the_editor_runs_reach_only_the_editor(
        project: Path, editor) -> None:  # type: ignore[no-untyped-def]
    # The terminal signals every process in the foreground group; like git and visudo, isollm
    # ignores them while the editor runs, and the editor (vim catches them) decides.
    env, recorded = editor({"interactive": True, "replace": ["workers: 2", "workers: 9"]})
    pexpect, child = _spawn(project, env)
    child.expect("EDITOR READY")
    child.sendintr()
    child.sendcontrol("\\")
    child.sendline("done")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "Traceback" not in child.before
    assert (project / "isollm.yaml").read_text() == VALID.replace("workers: 2", "workers: 9")
    assert sorted(recorded()["signals"]) == ["SIGINT", "SIGQUIT"]  # the editor got them itself
    assert _leftovers(project) == []


def test_ctrl_c_at_the_edit_again_prompt_keeps_the_edit(project: Path, editor,
                                                          tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    edit = "project: demo\nworkers: 0\n# an hour of careful notes\n"
    env, _ = editor({"content": edit})
    pexpect, child = _spawn(project, {**env, "TMPDIR": str(tmpdir)})
    child.expect(r"\(e\)dit again or \(a\)bort\?")
    # A Ctrl-C that lands after the prompt is written but before input() blocks in read() is only
    # seen once read() returns (CPython checks signals on EINTR): press it again, as a person would.
    for _ in range(10):
        child.sendintr()
        if child.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=5) == 0:
            break
    child.close()
    assert child.exitstatus == 130, child.before
    assert "Traceback" not in child.before
    assert "isollm.yaml left unchanged; your edit is saved in" in child.before
    assert _saved_edit(child.before, tmpdir).read_text() == edit
    assert (project / "isollm.yaml").read_text() == VALID
    assert _leftovers(project) == []


def _edit_in_process(project: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from isollm.cli.launch import main

    import signal

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(project)
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGQUIT)
    status = main(["config", "edit"])
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGQUIT)) == handlers  # restored
    return status, capsys.readouterr().err


def _enospc(*args: object, **kwargs: object) -> None:
    raise OSError(28, "No space left on device")


def test_a_failed_write_after_a_valid_edit_keeps_the_edit(project: Path, editor, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]

    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env, _ = editor({"replace": ["workers: 2", "workers: 4"]})
    monkeypatch.setattr(cfg, "atomic_write", _enospc)  # where write_if_unchanged writes
    monkeypatch.setattr("tempfile.tempdir", str(tmpdir))
    status, err = _edit_in_process(project, env, monkeypatch, capsys)
    assert status == 1
    assert "No space left on device" in err and "Traceback" not in err
    assert "your edit is saved in" in err
    assert _saved_edit(err, tmpdir).read_text() == VALID.replace("workers: 2", "workers: 4")
    assert (project / "isollm.yaml").read_text() == VALID
    assert _leftovers(project) == []


def test_when_no_copy_can_be_written_the_edit_stays_where_the_editor_left_it(
        project: Path, editor, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    # A full disk: the config cannot be replaced and no second copy can be made either.
    from isollm.cli.commands import config as config_commands

    env, _ = editor({"replace": ["workers: 2", "workers: 4"]})
    monkeypatch.setattr(cfg, "atomic_write", _enospc)  # where write_if_unchanged writes
    monkeypatch.setattr(config_commands, "_save_elsewhere", _enospc)
    status, err = _edit_in_process(project, env, monkeypatch, capsys)
    assert status == 1 and "Traceback" not in err
    (kept,) = [name for name in _leftovers(project) if name.endswith("/isollm.yaml")]
    assert kept.startswith(".isollm/edit-")  # the editor's copy, its directory kept
    assert f"your edit is saved in {project / kept}" in err
    assert (project / kept).read_text() == VALID.replace("workers: 2", "workers: 4")
    assert (project / "isollm.yaml").read_text() == VALID


@pytest.mark.parametrize("number, name", [(40, "signal 40"), (15, "SIGTERM")])
def test_an_editor_killed_by_any_signal_is_described(isollm, project: Path, editor, number: int,
                                                     name: str) -> None:  # type: ignore[no-untyped-def]
    env, _ = editor({"content": "project: changed\n", "kill": number})
    result = isollm("config", "edit", cwd=project, env=env)
    _clean(result)
    assert result.returncode == 1
    assert f"was killed by {name}; isollm.yaml left unchanged" in result.stderr
    assert (project / "isollm.yaml").read_text() == VALID
    assert _leftovers(project) == []


def test_a_symlinked_config_is_edited_in_its_target(isollm, tmp_path: Path, editor) -> None:  # type: ignore[no-untyped-def]
    # Dotfile managers keep configs elsewhere and link them in: the edit goes to the target,
    # written atomically inside the target's directory; the link stays a link.
    shared = tmp_path / "dotfiles"
    shared.mkdir()
    (shared / "isollm.yaml").write_text(VALID)
    (shared / "isollm.yaml").chmod(0o640)
    root = tmp_path / "linked"
    root.mkdir()
    (root / "isollm.yaml").symlink_to(shared / "isollm.yaml")
    env, _ = editor({"replace": ["workers: 2", "workers: 3"]})
    result = isollm("config", "edit", cwd=root, env=env)
    _clean(result)
    assert result.returncode == 0, result.stderr
    assert f"isollm.yaml is a symbolic link; editing its target {shared / 'isollm.yaml'}" in result.stdout
    assert (root / "isollm.yaml").is_symlink()
    assert (shared / "isollm.yaml").read_text() == VALID.replace("workers: 2", "workers: 3")
    assert (shared / "isollm.yaml").stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in shared.iterdir()) == ["isollm.yaml"]
    assert sorted(p.name for p in root.iterdir()) == ["isollm.yaml"]  # .isollm/ was made for the edit alone


def test_a_config_link_pointed_elsewhere_during_the_edit_is_not_written(
        isollm, tmp_path: Path, editor) -> None:  # type: ignore[no-untyped-def]
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text(VALID)
    second.write_text(VALID)
    root = tmp_path / "linked"
    root.mkdir()
    (root / "isollm.yaml").symlink_to(first)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    # The editor re-points the link (a checkout switching the link) before saving.
    repoint = f"import os; os.remove({str(root / 'isollm.yaml')!r}); os.symlink({str(second)!r}, " \
              f"{str(root / 'isollm.yaml')!r})"
    script = tmp_path / "repoint.py"
    script.write_text(repoint + "\nimport sys\nopen(sys.argv[-1], 'a').write('# mine\\n')\n")
    result = isollm("config", "edit", cwd=root, env={"VISUAL": "", "EDITOR": f"{sys.executable} {script}",
                                                     "TMPDIR": str(tmpdir)})
    _clean(result)
    assert result.returncode == 1
    assert "changed on disk while you were editing" in result.stderr
    assert first.read_text() == VALID and second.read_text() == VALID
    assert _saved_edit(result.stderr, tmpdir).read_text() == VALID + "# mine\n"


def test_notes_come_out_as_they_went_in_and_nothing_else_is_taken() -> None:
    from isollm.cli.commands.config import NOTES_END, NOTES_START, with_notes, without_notes
    from isollm.errors import Issue

    text = b"# a comment of the user's\nproject: demo\n"
    noted = with_notes(text, "isollm.yaml", [Issue("workers must be at least 1\nand more", "/workers", 2, 10)])
    assert b"error: workers must be at least 1\\nand more\n" in noted  # one comment line, whatever the message
    assert without_notes(noted) == text
    # The user changed a note (deleted it): still the notes, from the first line to the last.
    assert without_notes(NOTES_START + NOTES_END + text) == text
    assert without_notes(text) == text and without_notes(NOTES_START + text) == NOTES_START + text
