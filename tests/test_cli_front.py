"""The command line as a user meets it: --help (rendered by Fire), usage errors, schema, validate flags, no pager.

Calls ``isollm.cli.launch.main`` in this process; a subprocess only where the process matters (a terminal).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isollm.schema.loader import SCHEMA_NAMES, load_schema, schema_path
from tests.inprocess import LAUNCH, Result, run
from tests.pty_session import spawn_isollm

COMMANDS = [(), ("init",), ("validate",), ("config",), ("config", "show"), ("config", "edit"), ("schema",),
            ("state",), ("state", "show"), ("state", "check"), ("state", "clean")]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "a" / "b").mkdir(parents=True)
    (root / "isollm.yaml").write_text("project: demo\n")
    return root


@pytest.fixture
def isollm():  # type: ignore[no-untyped-def]
    """``isollm(*args, cwd=...)``: ``main(args)`` in this process, with its status and output."""
    def run_isollm(*args: str, cwd: Path) -> Result:
        return run(LAUNCH, *args, cwd=cwd)
    return run_isollm


def _one_line_usage_error(result) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "isollm")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_goes_to_stdout_with_status_0(isollm, tmp_path: Path, command: tuple[str, ...], flag: str) -> None:
    result = isollm(*command, flag, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("NAME\n    isollm")
    assert "FIRE_METADATA" not in result.stdout and "Type:" not in result.stdout
    assert "\x1b[" not in result.stdout


@pytest.mark.parametrize("command, words", [
    (("init",), ["--name", "--workers", "--image"]),
    (("validate",), ["--format", "[PATH]..."]),
    (("config", "show"), ["--format", "yaml", "json"]),
    (("config", "edit"), ["$VISUAL", "$EDITOR", "vi"]),
    (("schema",), ["--path", "config", "session", "worker"]),
    (("state", "show"), ["--format", "live", "stale"]),
    (("state", "check"), ["PATH:LINE:COL"]),
    (("state", "clean"), ["stale", "live"]),
    ((), ["init", "validate", "config", "schema", "state", "Exit status"]),
])
def test_help_explains_each_command_and_flag(isollm, tmp_path: Path, command: tuple[str, ...],
                                             words: list[str]) -> None:
    text = isollm(*command, "--help", cwd=tmp_path).stdout
    for word in words:
        assert word in text


@pytest.mark.parametrize("group", ["config", "state"])
def test_bare_group_shows_its_help(isollm, tmp_path: Path, group: str) -> None:
    result = isollm(group, cwd=tmp_path)
    assert result.returncode == 0
    assert "COMMANDS" in result.stdout and "show" in result.stdout


@pytest.mark.parametrize("args, message", [
    (("bogus",), "unknown command: bogus"),
    (("config", "bogus"), "unknown command: bogus"),
    (("state", "bogus"), "unknown command: bogus"),
    (("init", "--bogus"), "unknown flag: --bogus"),
    (("config", "edit", "extra"), "unexpected argument: extra"),
    (("config", "show", "a", "b"), "unexpected argument: b"),
    (("state", "show", "json"), "unexpected argument: json"),
    (("init", "demo"), "unexpected argument: demo"),
    (("schema", "config", "worker"), "unexpected argument: worker"),
    (("state", "clean", "--force"), "unknown flag: --force"),
    (("--version", "x"), "unexpected argument: x"),
    (("state", "check", "--x=1"), "unknown flag: --x (see 'isollm state check --help')"),
    (("init", "--name"), "--name needs a value"),
    (("init", "--workers", "--name", "x"), "--workers needs a value"),
    (("init", "-w"), "--workers needs a value"),
    (("config", "show", "--format"), "--format needs a value"),
    (("validate", "--format"), "--format needs a value"),
    (("state", "show", "--format"), "--format needs a value"),
    (("init", "--noname"), "unknown flag: --noname"),
    (("schema", "--name"), "--name needs a value"),
    (("validate", "--name", "x"), "unknown flag: --name"),
    (("validate", "-n"), "unknown flag: -n"),
    (("validate", "-x.yaml"), "unknown flag: -x.yaml"),
    (("validate", "--format", "json", "--", "x.yaml", "--format"), None),  # after --, a path: exit 1, not 2
    (("--", "--trace"), "expected a command, got --"),
    (("__class__",), "unknown command"),
    (("_front",), "unknown command"),
    (("config", "_front", "actions"), "unknown command"),
    (("validate", "--format", "xml"), "--format must be one of: text, json, github (got 'xml')"),
    (("validate", "-f=xml"), "--format must be one of"),
    (("schema", "bogus"), "NAME must be one of: config, session, worker, task (got 'bogus')"),
    (("schema", "worker", "--path=yes"), "--path takes no value"),
    (("schema", "--path=yes"), "--path takes no value"),
    (("schema", "--name=worker", "session"), "unexpected argument: session"),
    (("config", "--format", "json"), "unknown flag: --format (see 'isollm config --help')"),
    (("validate", "-p"), "unknown flag: -p"),  # path takes any number of values: never a flag
    (("validate", "--path=a"), "unknown flag: --path"),
    (("validate", "--format", "--", "a"), "--format needs a value"),
    (("validate", "--format="), "--format must be one of: text, json, github (got '')"),
    (("validate", "--format", "a\nb"), "(got 'a\\nb')"),
    (("state", "check", "--", "x"), "unexpected argument: x"),
    (("schema", "--path=False"), "--path takes no value"),
    (("state", "clean", "-u=1"), "--unknown-session takes no value (got '1')"),
    (("state", "clean", "--unknown_session"), "unknown flag: --unknown_session (did you mean '--unknown-session'?)"),
    (("schema", "--nopath"), "unknown flag: --nopath"),
    (("config", "get"), "missing argument: KEY (see 'isollm config get --help')"),
    (("config", "get", "--path", "x"), "missing argument: KEY"),
    (("config", "set", "workers"), "missing argument: VALUE"),
    (("config", "unset", "a", "b"), "unexpected argument: b"),
    (("config", "set", "--", "--key", "x", "y"), "unexpected argument: y"),
    (("config", "--", "x"), "expected a command, got -- (see 'isollm config --help')"),
])
def test_usage_errors_are_one_line_and_exit_2(isollm, project: Path, args: tuple[str, ...],
                                              message: str | None) -> None:
    result = isollm(*args, cwd=project)
    if message is None:
        assert result.returncode == 1, result.stderr
        assert [f["path"] for f in json.loads(result.stdout)["files"]] == ["x.yaml", "--format"]
        return
    _one_line_usage_error(result)
    assert message in result.stderr


@pytest.mark.parametrize("value", ["2024", "True", "0x10", "fix#12", "", "../x", "x" * 3000, "jsön", "a\nb"],
                         ids=lambda v: repr(v)[:20])
@pytest.mark.parametrize("command", [("validate", "--format"), ("config", "show", "--format"),
                                     ("state", "show", "--format"), ("schema", "--name")])
def test_hostile_values_for_choice_flags(isollm, project: Path, command: tuple[str, ...], value: str) -> None:
    result = isollm(*command[:-1], f"{command[-1]}={value}", cwd=project)
    _one_line_usage_error(result)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_prints_the_installed_schema(isollm, tmp_path: Path, name: str) -> None:
    result = isollm("schema", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == load_schema(name)


@pytest.mark.parametrize("args, name", [
    (("schema", "--path"), "config"),
    (("schema", "worker", "--path"), "worker"),
    (("schema", "--path", "session"), "session"),
    (("schema", "--name=session", "--path"), "session"),
    (("schema", "-p"), "config"),
])
def test_schema_path(isollm, tmp_path: Path, args: tuple[str, ...], name: str) -> None:
    result = isollm(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{schema_path(name)}\n"


def test_schema_default_is_config(isollm, tmp_path: Path) -> None:
    assert json.loads(isollm("schema", cwd=tmp_path).stdout)["$id"] == load_schema("config")["$id"]


@pytest.mark.parametrize("args, stream, check", [
    ((), "stdout", lambda out: "isollm.yaml: valid" in out),
    (("--format", "json"), "stdout", lambda out: json.loads(out)["valid"] is True),
    (("--format=github",), "stdout", lambda out: out == ""),
    (("-f", "text"), "stdout", lambda out: "valid" in out),
])
def test_validate_formats_from_a_nested_directory(isollm, project: Path, args: tuple[str, ...], stream: str,
                                                  check) -> None:  # type: ignore[no-untyped-def]
    result = isollm("validate", *args, cwd=project / "a" / "b")
    assert result.returncode == 0, result.stderr
    assert check(getattr(result, stream))


def test_validate_paths_keep_their_text(isollm, tmp_path: Path) -> None:
    # Names Fire would turn into other values: 2024 (int), fix#12 ('fix'), True (bool).
    names = ["2024", "fix#12", "True"]
    for name in names:
        (tmp_path / name).write_text("project: demo\n")
    result = isollm("validate", *names, "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == names


def test_validate_reports_invalid_and_missing(isollm, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("project: demo\nworkers: 0\n")
    result = isollm("validate", "bad.yaml", "missing.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "bad.yaml:2:10: error: workers must be at least 1" in result.stderr
    assert "missing.yaml: error: config file not found" in result.stderr


def test_help_through_the_console_entry(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import _env

    result = subprocess.run([sys.executable, "-m", "isollm", "validate", "--help"], cwd=tmp_path, env=_env(None),
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("NAME\n    isollm validate") and "--format" in result.stdout


def test_help_never_opens_a_pager_on_a_terminal(tmp_path: Path) -> None:
    pexpect, child = spawn_isollm("init", "--help", cwd=tmp_path, env={"PAGER": "", "TERM": "xterm"})
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "--workers" in child.before


def test_no_python_repr_of_return_values(isollm, project: Path) -> None:
    for args in (("schema", "--path"), ("validate",), ("config", "show")):
        result = isollm(*args, cwd=project)
        assert "object at 0x" not in result.stdout
