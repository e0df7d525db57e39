"""``isollm config get / set / unset``: the command functions, in-process, on real files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any, Callable

import pytest

from isollm.cli.commands import config as config_commands
from isollm.cli.front import guarded
from isollm.io.yamlio import parse_yaml

CONFIG = """\
# yaml-language-server: $schema=https://example.invalid/isollm.schema.json
# The demo project.
project: demo   # container names use it

workers: 3  # one per core

git:
  base_branch: 'main'
  # upstream: origin

ports:
  - "3000"   # web
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    (root / "sub").mkdir(parents=True)
    (root / "isollm.yaml").write_text(CONFIG)
    monkeypatch.chdir(root / "sub")
    return root


def run(capsys: pytest.CaptureFixture[str], action: Callable[[], int]) -> tuple[int, str, str]:
    """Run a command function as the CLI does (through the one error handler)."""
    status = guarded(action)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def _config(project: Path) -> str:
    return (project / "isollm.yaml").read_text()


# --- get ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "printed"), [
    ("project", "demo\n"),
    ("workers", "3\n"),
    ("git.base_branch", "main\n"),
    ("git.branch_prefix", "isollm/\n"),      # a default counts
    ("airyra.project", "demo\n"),            # so does the project-name fallback
    ("zellij.dashboard", "true\n"),
    ("ports", "- '3000'\n"),
    ("git", "base_branch: main\nbranch_prefix: isollm/\n"),
    ("git.upstream", ""),                    # optional, not set, no default: nothing
])
def test_get_prints_the_resolved_value(project: Path, capsys: pytest.CaptureFixture[str],
                                       key: str, printed: str) -> None:
    assert run(capsys, lambda: config_commands.get_value(key)) == (0, printed, "")


def test_get_a_multi_line_script_prints_it_as_is(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "isollm.yaml").write_text("project: demo\nsetup_script: |\n  apt-get update\n  make\n")
    assert run(capsys, lambda: config_commands.get_value("setup_script"))[:2] == (0, "apt-get update\nmake\n")


def test_get_prints_yaml_only_numbers_as_yaml_writes_them(project: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (project / "isollm.yaml").write_text("project: demo\nworkers: .inf\nairyra:\n  port: -.inf\n")
    assert run(capsys, lambda: config_commands.get_value("workers"))[:2] == (0, ".inf\n")
    assert run(capsys, lambda: config_commands.get_value("airyra.port"))[:2] == (0, "-.inf\n")


def test_get_takes_a_project_directory_or_file(project: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "isollm.yaml").write_text("project: other\n")
    assert run(capsys, lambda: config_commands.get_value("project", str(other)))[:2] == (0, "other\n")
    assert run(capsys, lambda: config_commands.get_value("project", str(other / "isollm.yaml")))[:2] == (0, "other\n")
    status, out, err = run(capsys, lambda: config_commands.get_value("project", str(tmp_path / "none")))
    assert (status, out) == (1, "") and "config file not found" in err


def test_get_keeps_the_editor_schema_copy_current(project: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from isollm.config import SCHEMA_COPY, SCHEMA_MODELINE
    from isollm.schema.loader import schema_bytes

    other = tmp_path / "other"
    (other / ".isollm").mkdir(parents=True)
    (other / "isollm.yaml").write_text(SCHEMA_MODELINE + "project: other\n")
    (project / "isollm.yaml").write_text(SCHEMA_MODELINE + CONFIG)
    (project / ".isollm").mkdir()
    assert run(capsys, lambda: config_commands.get_value("project", str(other)))[:2] == (0, "other\n")
    assert run(capsys, lambda: config_commands.get_value("project"))[:2] == (0, "demo\n")
    for root in (other, project):
        assert (root / SCHEMA_COPY).read_bytes() == schema_bytes("config")


def test_get_unknown_key_suggests_the_closest(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, lambda: config_commands.get_value("git.base_brach")) == (
        1, "", 'error: unknown key "git.base_brach" (did you mean "git.base_branch"?)\n')
    assert run(capsys, lambda: config_commands.get_value("base_branch"))[2] == \
        'error: unknown key "base_branch" (did you mean "git.base_branch"?)\n'
    assert run(capsys, lambda: config_commands.get_value("workers.count"))[2] == \
        'error: unknown key "workers.count" (did you mean "workers"?)\n'
    assert run(capsys, lambda: config_commands.get_value("zzz"))[2] == 'error: unknown key "zzz"\n'


def test_get_on_an_invalid_config_prints_the_value_and_the_problems(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "isollm.yaml").write_text("project: demo\nworkers: 99\n")
    status, out, err = run(capsys, lambda: config_commands.get_value("workers"))
    assert (status, out) == (0, "99\n")
    assert err == "../isollm.yaml:2:10: error: workers cannot exceed 20\n"


# --- set ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "value", "before", "after"), [
    ("workers", "5", "workers: 3  # one per core\n", "workers: 5  # one per core\n"),
    ("git.base_branch", "develop", "  base_branch: 'main'\n", "  base_branch: 'develop'\n"),
    ("project", "my-app", "project: demo   #", "project: my-app   #"),
    ("ports", '["3000", "8080:80"]', '  - "3000"   # web\n', '  - "3000"   # web\n  - "8080:80"\n'),
    ("ports", "[3000]", '  - "3000"   # web\n', "  - 3000   # web\n"),
    ("git.upstream", "git@github.com:acme/app.git", "  base_branch: 'main'\n",
     "  base_branch: 'main'\n  upstream: git@github.com:acme/app.git\n"),
    ("zellij.layout", "grid", 'ports:\n  - "3000"   # web\n', 'ports:\n  - "3000"   # web\nzellij:\n  layout: grid\n'),
    ("claude.command", "run #1", 'ports:\n  - "3000"   # web\n',
     "ports:\n  - \"3000\"   # web\nclaude:\n  command: 'run #1'\n"),     # the text as typed
    ("git.base_branch", "'2024'", "  base_branch: 'main'\n", "  base_branch: '2024'\n"),
    ("git.base_branch", "2024", "  base_branch: 'main'\n", "  base_branch: '2024'\n"),  # a string key
    ("zellij.dashboard", "false", 'ports:\n  - "3000"   # web\n',
     'ports:\n  - "3000"   # web\nzellij:\n  dashboard: false\n'),
])
def test_set_changes_only_that_value(project: Path, capsys: pytest.CaptureFixture[str],
                                     key: str, value: str, before: str, after: str) -> None:
    assert before in CONFIG
    assert run(capsys, lambda: config_commands.set_value(key, value)) == (0, "", "")
    assert _config(project) == CONFIG.replace(before, after)


def test_set_then_get(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, lambda: config_commands.set_value("airyra.port", "9000"))[0] == 0
    assert run(capsys, lambda: config_commands.get_value("airyra.port")) == (0, "9000\n", "")
    assert parse_yaml(_config(project)).data["airyra"] == {"port": 9000}


@pytest.mark.parametrize(("key", "value", "message"), [
    ("workers", "50", "../isollm.yaml:5:10: error: workers cannot exceed 20\n"),
    ("workers", "three", "../isollm.yaml:5:10: error: workers must be a whole number\n"),
    ("ports", '["7432"]', "../isollm.yaml:12:5: error: port 7432 conflicts with airyra.port\n"),
    ("git.base_branch", "a..b", "../isollm.yaml:8:16: error: git.base_branch is not a valid branch name"),
    ("workers", "[", "error: invalid value for workers: invalid YAML"),
    ("git.base_brnch", "x", 'error: unknown key "git.base_brnch" (did you mean "git.base_branch"?)\n'),
    ("git.base_branch.x", "x", 'error: unknown key "git.base_branch.x" (did you mean "git.base_branch"?)\n'),
])
def test_a_refused_set_leaves_the_file_byte_for_byte(project: Path, capsys: pytest.CaptureFixture[str],
                                                     key: str, value: str, message: str) -> None:
    before = (project / "isollm.yaml").read_bytes()
    status, out, err = run(capsys, lambda: config_commands.set_value(key, value))
    assert (status, out) == (1, "")
    assert err.startswith(message) and len(err.splitlines()) == 1, err
    assert (project / "isollm.yaml").read_bytes() == before
    assert sorted(p.name for p in project.iterdir()) == ["isollm.yaml", "sub"]


def test_set_refuses_when_the_file_changed_meanwhile(project: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from isollm.io import yaml_edit

    real = yaml_edit.set_value

    def slow_edit(text: str, path: Any, value: Any) -> str:
        (project / "isollm.yaml").write_text(CONFIG + "# a teammate's change\n")  # while we edit
        return real(text, path, value)

    monkeypatch.setattr(yaml_edit, "set_value", slow_edit)
    status, _, err = run(capsys, lambda: config_commands.set_value("workers", "5"))
    assert status == 1
    assert err == "error: ../isollm.yaml: changed on disk meanwhile; it was left as it is (run the command again)\n"
    assert _config(project) == CONFIG + "# a teammate's change\n"


def test_set_keeps_the_file_mode_a_byte_order_mark_and_crlf(project: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "isollm.yaml"
    path.write_bytes(b"\xef\xbb\xbfproject: demo\r\nworkers: 3\r\n")
    os.chmod(path, 0o600)
    assert run(capsys, lambda: config_commands.set_value("git.base_branch", "dev"))[0] == 0
    assert path.read_bytes() == b"\xef\xbb\xbfproject: demo\r\nworkers: 3\r\ngit:\r\n  base_branch: dev\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_set_through_a_symlink_edits_its_target(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = project / "shared.yaml"
    (project / "isollm.yaml").rename(real)
    (project / "isollm.yaml").symlink_to("shared.yaml")
    assert run(capsys, lambda: config_commands.set_value("workers", "4"))[0] == 0
    assert (project / "isollm.yaml").is_symlink()
    assert real.read_text() == CONFIG.replace("workers: 3", "workers: 4")


def test_set_the_same_value_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "isollm.yaml"
    os.utime(path, ns=(1, 1))
    assert run(capsys, lambda: config_commands.set_value("workers", "3")) == (0, "", "")
    assert path.stat().st_mtime_ns == 1


def test_set_a_section_changes_only_what_differs(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, lambda: config_commands.set_value("git", "{base_branch: main, branch_prefix: ai/}"))[0] == 0
    assert _config(project) == CONFIG.replace("  base_branch: 'main'\n",
                                              "  base_branch: 'main'\n  branch_prefix: ai/\n")


def test_set_on_an_unreadable_config_is_located(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "isollm.yaml").write_text("project: [demo\n")
    status, _, err = run(capsys, lambda: config_commands.set_value("workers", "4"))
    assert status == 1 and err.startswith("../isollm.yaml:2:1: error: invalid YAML")
    assert _config(project) == "project: [demo\n"


def test_set_outside_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, lambda: config_commands.set_value("workers", "4")) == (
        1, "", f"error: not in an isollm project: no isollm.yaml in {tmp_path.resolve()} or any directory above "
               "it ('isollm init' creates one)\n")


def test_an_edit_that_cannot_be_made_in_place_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "project: &name demo\nairyra:\n  project: *name\n"
    (project / "isollm.yaml").write_text(text)
    status, _, err = run(capsys, lambda: config_commands.set_value("project", "other"))
    assert status == 1 and "cannot change project in place" in err and "config edit" in err
    assert _config(project) == text


# --- unset -------------------------------------------------------------------------------------

def test_unset_removes_the_key_and_its_default_applies(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, lambda: config_commands.unset_value("workers")) == (0, "", "")
    assert _config(project) == CONFIG.replace("workers: 3  # one per core\n", "")
    assert run(capsys, lambda: config_commands.get_value("workers")) == (0, "3\n", "")


def test_unset_a_block_value(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, lambda: config_commands.unset_value("ports"))[0] == 0
    assert _config(project) == CONFIG.replace('ports:\n  - "3000"   # web\n', "")


def test_unset_what_is_not_written_does_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, lambda: config_commands.unset_value("git.upstream")) == (0, "", "")
    assert _config(project) == CONFIG


@pytest.mark.parametrize(("key", "message"), [
    ("project", "error: project is required and cannot be unset\n"),
    ("wrokers", 'error: unknown key "wrokers" (did you mean "workers"?)\n'),
])
def test_unset_refusals(project: Path, capsys: pytest.CaptureFixture[str], key: str, message: str) -> None:
    assert run(capsys, lambda: config_commands.unset_value(key)) == (1, "", message)
    assert _config(project) == CONFIG


# --- through the command line ------------------------------------------------------------------

def test_the_commands_through_the_command_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from isollm.cli.launch import main

    assert run(capsys, lambda: main(["config", "set", "git.base_branch", "develop"])) == (0, "", "")
    assert run(capsys, lambda: main(["config", "get", "git.base_branch"])) == (0, "develop\n", "")
    assert run(capsys, lambda: main(["config", "get", "project", str(project)])) == (0, "demo\n", "")
    assert run(capsys, lambda: main(["config", "unset", "git.base_branch"])) == (0, "", "")
    assert run(capsys, lambda: main(["config", "get", "git.base_branch"])) == (0, "main\n", "")
    assert run(capsys, lambda: main(["config", "set", "workers", "99"]))[0] == 1
    assert run(capsys, lambda: main(["config", "get", "wrkers"]))[0] == 1
    status, _, err = run(capsys, lambda: main(["config", "set", "workers"]))
    assert status == 2 and err.startswith("error: missing argument: VALUE (see 'isollm config set --help')")
    assert _config(project) == CONFIG.replace("git:\n  base_branch: 'main'\n", "git: {}\n")


def test_schema_help_says_plain_check_jsonschema_misses_the_custom_rules(
        capsys: pytest.CaptureFixture[str]) -> None:
    from isollm.cli.launch import main

    status, out, _ = run(capsys, lambda: main(["schema", "--help"]))
    text = " ".join(out.split())
    assert status == 0
    # The grammars are standard patterns now: only the host-port rule needs the validator class.
    assert ("plain check-jsonschema pointed at the path checks all isollm validate checks but duplicate host "
            "ports and a clash with airyra.port") in text
    assert "gets those too with --validator-class isollm.validator:IsollmValidator" in text


# --- issue 16: values as typed, aliases, repairing a broken file ---------------------------------

@pytest.mark.parametrize(("value", "message"), [
    ("07", "error: invalid value for workers: 07 would be stored as 7; type that if it is what you mean\n"),
    ("1e3", "error: invalid value for workers: 1e3 would be stored as 1000.0; type that if it is what you mean\n"),
    ("# 8", "error: invalid value for workers: # 8 reads as null, not written; "
            "to remove workers, run 'isollm config unset workers'\n"),
    ("~", "error: invalid value for workers: ~ reads as null, not written; "
          "to remove workers, run 'isollm config unset workers'\n"),
    ("null", "error: invalid value for workers: null reads as null, not written; "
             "to remove workers, run 'isollm config unset workers'\n"),
])
def test_a_value_that_would_be_stored_otherwise_than_typed_is_refused(
        project: Path, capsys: pytest.CaptureFixture[str], value: str, message: str) -> None:
    assert run(capsys, lambda: config_commands.set_value("workers", value)) == (1, "", message)
    assert _config(project) == CONFIG


def test_a_key_under_an_aliased_section_is_refused_cleanly(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "project: demo\nz: &z\n  layout: auto\nzellij: *z\n"
    (project / "isollm.yaml").write_text(text)
    status, out, err = run(capsys, lambda: config_commands.set_value("zellij.layout", "grid"))
    assert (status, out) == (1, "")
    assert err == ("error: ../isollm.yaml: cannot change zellij.layout in place: zellij is an alias (*z) of a value "
                   "written elsewhere; write it out in full first; edit the file with 'isollm config edit'\n")
    assert _config(project) == text


def test_set_inside_a_multi_line_flow_mapping_keeps_its_comments(project: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    text = 'project: demo\nclaude: {\n  command: x,  # c1\n  args: [a],  # c2\n}\ngit: {branch_prefix: "w/"}\n'
    (project / "isollm.yaml").write_text(text)
    assert run(capsys, lambda: config_commands.set_value("claude.command", "y")) == (0, "", "")
    assert run(capsys, lambda: config_commands.set_value("git.base_branch", "dev")) == (0, "", "")
    assert _config(project) == text.replace("command: x", "command: y").replace('"w/"}', '"w/", base_branch: dev}')


BROKEN = "project: demo\nworkers: 99\nwokers: 3\ngit:\n  base_branch: main\n  tpyo: x\n"


@pytest.mark.parametrize(("key", "after", "remaining"), [
    ("wokers", BROKEN.replace("wokers: 3\n", ""),
     ["../isollm.yaml:2:10: error: workers cannot exceed 20", '../isollm.yaml:5:3: error: unknown key "git.tpyo"']),
    ("git.tpyo", BROKEN.replace("  tpyo: x\n", ""),
     ["../isollm.yaml:2:10: error: workers cannot exceed 20",
      '../isollm.yaml:3:1: error: unknown key "wokers" (did you mean "workers"?)']),
])
def test_unset_removes_any_key_the_file_has_and_lists_what_remains(
        project: Path, capsys: pytest.CaptureFixture[str], key: str, after: str, remaining: list[str]) -> None:
    (project / "isollm.yaml").write_text(BROKEN)
    status, out, err = run(capsys, lambda: config_commands.unset_value(key))
    assert (status, out, err.splitlines()) == (0, "", remaining)
    assert _config(project) == after


def test_unset_an_unknown_key_the_file_lacks_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "isollm.yaml").write_text(BROKEN)
    assert run(capsys, lambda: config_commands.unset_value("git.tyop")) == (
        1, "", 'error: unknown key "git.tyop"\n')
    assert _config(project) == BROKEN


def test_set_on_a_broken_file_applies_a_change_that_adds_no_problem(project: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (project / "isollm.yaml").write_text(BROKEN)
    status, out, err = run(capsys, lambda: config_commands.set_value("airyra.port", "7432"))
    assert (status, out) == (0, "")
    assert err.splitlines() == ["../isollm.yaml:2:10: error: workers cannot exceed 20",
                                '../isollm.yaml:3:1: error: unknown key "wokers" (did you mean "workers"?)',
                                '../isollm.yaml:6:3: error: unknown key "git.tpyo"']
    assert _config(project) == BROKEN + "airyra:\n  port: 7432\n"
    # Fixing a problem is a change too; the one it fixes is no longer listed.
    assert run(capsys, lambda: config_commands.set_value("workers", "98"))[0] == 0   # the same problem: allowed
    assert run(capsys, lambda: config_commands.set_value("workers", "4"))[2].count("error") == 2


def test_set_on_a_broken_file_refuses_a_new_problem_and_names_only_it(project: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (project / "isollm.yaml").write_text(BROKEN)
    assert run(capsys, lambda: config_commands.set_value("ports", '["7432"]')) == (
        1, "", "../isollm.yaml:8:5: error: port 7432 conflicts with airyra.port\n")
    assert _config(project) == BROKEN


def test_unset_removes_a_key_written_twice(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "isollm.yaml").write_text("project: demo\nimage: a:1\nworkers: 2\nimage: b:2\n")
    assert run(capsys, lambda: config_commands.set_value("image", "c:3"))[0] == 1   # which one? refused
    assert run(capsys, lambda: config_commands.unset_value("image")) == (0, "", "")
    assert _config(project) == "project: demo\nworkers: 2\n"


# What a hostile config holds reaches the terminal escaped, whichever command prints it.
HOSTILE = 'project: demo\ngit:\n  upstream: "ori\\e[31mgin"\nclaude:\n  command: "run\\u202Egnp.exe"\n'
RAW = ("\x1b", "\u202e")


@pytest.mark.parametrize(("key", "printed"), [
    ("git.upstream", "ori\\x1b[31mgin\n"),
    ("claude.command", "run\\u202egnp.exe\n"),
    ("git", None),
    ("claude", None),
])
def test_get_escapes_terminal_controls_as_show_does(project: Path, capsys: pytest.CaptureFixture[str],
                                                    key: str, printed: str | None) -> None:
    (project / "isollm.yaml").write_text(HOSTILE)
    status, out, _ = run(capsys, lambda: config_commands.get_value(key))
    assert status == 0 and not any(char in out for char in RAW), repr(out)
    if printed is not None:
        assert out == printed
    status, out, _ = run(capsys, lambda: config_commands.show())
    assert status == 0 and not any(char in out for char in RAW), repr(out)
    assert parse_yaml(out).data["claude"]["command"] == "run\u202egnp.exe"  # escaped, still exact YAML
    status, out, _ = run(capsys, lambda: config_commands.show(output_format="json"))
    assert status == 0 and not any(char in out for char in RAW), repr(out)
    assert json.loads(out)["claude"]["command"] == "run\u202egnp.exe"  # escaped, still exact JSON
