"""One command table: the grammar, Fire's help and the command functions all follow ``isollm.cli.table``."""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from isollm.cli import front
from isollm.cli.grammar import Help, Invocation, parse
from isollm.cli.table import COMMANDS, FLAG, GROUPS, POSITIONAL, REQUIRED, VARIADIC, BY_WORDS
from isollm.errors import UsageError
from tests.conftest import _env

IDS = [c.name for c in COMMANDS]


@pytest.mark.parametrize(("args", "expected"), [
    ([], Help(())),
    (["-h"], Help(())),
    (["config"], Help(("config",))),
    (["state", "--help"], Help(("state",))),
    (["validate", "a.yaml", "--help"], Help(("validate",))),
    (["validate", "--", "--help"], ("validate", {"paths": ["--help"], "output_format": "text"})),
    (["validate"], ("validate", {"paths": [], "output_format": "text"})),
    (["validate", "a", "-", "-1.yaml", "--format=json", "b"],
     ("validate", {"paths": ["a", "-", "-1.yaml", "b"], "output_format": "json"})),
    (["validate", "-f", "github", "--", "-x.yaml", "--format"],
     ("validate", {"paths": ["-x.yaml", "--format"], "output_format": "github"})),
    (["validate", "--format", "json", "--format", "text"], ("validate", {"paths": [], "output_format": "text"})),
    (["config", "show", "-f=json"], ("config show", {"path": None, "output_format": "json"})),
    (["config", "show", "-", "--format", "json"], ("config show", {"path": "-", "output_format": "json"})),
    (["config", "show", "--", "-x"], ("config show", {"path": "-x", "output_format": "yaml"})),
    (["state", "show"], ("state show", {"output_format": "text"})),
    (["init", "--name", "2024", "--workers=0x10", "-i", "fix#12"],
     ("init", {"name": "2024", "workers": "0x10", "image": "fix#12"})),
    (["init"], ("init", {"name": None, "workers": None, "image": None})),
    (["init", "--image="], ("init", {"name": None, "workers": None, "image": ""})),
    (["schema"], ("schema", {"name": "config", "path": False})),
    (["schema", "--path", "worker"], ("schema", {"name": "worker", "path": True})),
    (["schema", "-p", "--name", "session"], ("schema", {"name": "session", "path": True})),
    (["config", "edit"], ("config edit", {})),
    (["config", "get", "git.base_branch"], ("config get", {"key": "git.base_branch", "directory": None})),
    (["config", "get", "workers", "-d", "../other"], ("config get", {"key": "workers", "directory": "../other"})),
    (["config", "set", "workers", "-1"], ("config set", {"key": "workers", "value": "-1"})),
    (["config", "set", "claude.args", "--", "--model"], ("config set", {"key": "claude.args", "value": "--model"})),
    (["config", "unset", "git.upstream"], ("config unset", {"key": "git.upstream"})),
])
def test_parse(args: list[str], expected: object) -> None:
    chosen = parse(args)
    if isinstance(expected, Help):
        assert isinstance(chosen, Help) and chosen.words == expected.words
    else:
        assert isinstance(chosen, Invocation)
        assert (chosen.command.name, chosen.arguments) == expected


@pytest.mark.parametrize(("args", "message"), [
    (["bogus"], "unknown command: bogus (see 'isollm --help')"),
    (["config", "bogus"], "unknown command: bogus (see 'isollm config --help')"),
    (["config", "--format", "json"], "unknown command: --format"),
    (["validate", "--bogus=1"], "unknown flag: --bogus (see 'isollm validate --help')"),
    (["validate", "-p"], "unknown flag: -p"),  # paths is variadic: never a flag
    (["validate", "--paths=a"], "unknown flag: --paths"),
    (["validate", "--format"], "--format needs a value"),
    (["validate", "--format", "--", "a"], "--format needs a value"),
    (["validate", "--format="], "--format must be one of: text, json, github (got '')"),
    (["validate", "--format", "a\nb"], "(got 'a\\nb')"),
    (["state", "check", "x"], "unexpected argument: x"),
    (["state", "check", "--", "x"], "unexpected argument: x"),
    (["schema", "--path=False"], "--path takes no value"),
    (["schema", "config", "worker"], "unexpected argument: worker"),
    (["config", "get"], "missing argument: KEY (see 'isollm config get --help')"),
    (["config", "set", "workers"], "missing argument: VALUE"),
    (["config", "set", "--key", "workers", "5"], "unknown flag: --key"),  # required: never a flag
    (["config", "unset", "a", "b"], "unexpected argument: b"),
])
def test_parse_refuses(args: list[str], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse(args)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_each_command_function_takes_what_the_table_gives(command) -> None:  # type: ignore[no-untyped-def]
    function = getattr(importlib.import_module(command.module), command.function)
    signature = inspect.signature(function)
    signature.bind(**{param.dest: param.default for param in command.params})
    for param in command.params:
        if param.kind == REQUIRED:
            assert signature.parameters[param.dest].default is inspect.Parameter.empty, param.name
        elif param.kind != VARIADIC:
            assert signature.parameters[param.dest].default == param.default, param.name


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_help_shows_what_the_grammar_accepts(command) -> None:  # type: ignore[no-untyped-def]
    text = front.help_text(command.words)
    assert text.startswith(f"NAME\n    isollm {command.name} - {command.help.splitlines()[0]}")
    shown_shorts = dict(re.findall(r"^    -(\w), --(\w+)", text, re.MULTILINE))
    for param in command.params:
        if param.kind == VARIADIC:
            assert f"[{param.name.upper()}]..." in text
            continue
        if param.kind == REQUIRED:  # listed under POSITIONAL ARGUMENTS
            assert f"\n    {param.name.upper()}\n" in text
            continue
        assert f"--{param.name}" in text
        for choice in param.choices:
            assert choice in text
        short = f"-{param.name[0]}"
        accepted = short in parse_flags(command)
        assert accepted == (shown_shorts.get(param.name[0]) == param.name), (param.name, shown_shorts)


def parse_flags(command) -> set[str]:  # type: ignore[no-untyped-def]
    """The short flags the grammar accepts for ``command``, found by trying each letter."""
    accepted = set()
    for param in command.params:
        if param.kind in (VARIADIC, REQUIRED):
            continue
        short = f"-{param.name[0]}"
        args = [*command.words, short] + ([] if param.kind == FLAG else [param.choices[0] if param.choices else "x"])
        try:
            parse(args)
        except UsageError as error:
            if "unknown flag" in str(error):
                continue
        accepted.add(short)
    return accepted


def test_program_and_group_help_list_every_command() -> None:
    top = front.help_text(())
    for group, doc in GROUPS.items():
        assert group in top and doc in top
        text = front.help_text((group,))
        for command in COMMANDS:
            if command.words[0] == group:
                assert f"     {command.words[1]}\n" in text
    for command in COMMANDS:
        if len(command.words) == 1:
            assert f"     {command.words[0]}\n" in top


def test_schema_names_are_the_schemas() -> None:
    from isollm.schema.loader import SCHEMA_NAMES

    (name,) = [p for p in BY_WORDS[("schema",)].params if p.kind == POSITIONAL]
    assert name.choices == SCHEMA_NAMES


@pytest.mark.parametrize(("command", "param"), [
    (command, param) for command in COMMANDS for param in command.params if param.kind == "value" and param.choices],
    ids=lambda v: v.name)
def test_every_format_the_table_offers_is_one_the_command_prints(command, param, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                  capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from isollm.cli.launch import main

    (tmp_path / "isollm.yaml").write_text("project: demo\nimage: ubuntu\n")  # valid, with a warning
    (tmp_path / ".isollm").mkdir()
    monkeypatch.chdir(tmp_path)
    printed = set()
    for choice in param.choices:
        assert main([*command.words, param.flag, choice]) == 0
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        printed.add(out + err)
    assert len(printed) == len(param.choices)  # each choice prints something of its own


def _imported(stderr: str) -> set[str]:
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


@pytest.mark.parametrize("args", [["validate"], ["validate", "--format=json"], ["config", "show"],
                                  ["config", "show", "--format", "json"], ["state", "show"], ["state", "check"],
                                  ["schema", "--path"], ["bogus"]])
def test_commands_start_without_fire_or_jsonschema(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\nworkers: 3\n")
    result = subprocess.run([sys.executable, "-m", "isollm", *args], cwd=tmp_path, capture_output=True, text=True,
                            env=_env({"PYTHONPROFILEIMPORTTIME": "1"}), timeout=60)
    assert result.returncode == (2 if args == ["bogus"] else 0), result.stderr[-2000:]
    imported = _imported(result.stderr)
    assert "isollm" in imported  # the probe works
    assert not imported & {"fire", "jsonschema", "asyncio"}


def test_help_loads_fire(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "isollm", "--help"], cwd=tmp_path, capture_output=True, text=True,
                            env=_env({"PYTHONPROFILEIMPORTTIME": "1"}), timeout=60)
    assert result.returncode == 0 and "fire" in _imported(result.stderr)


def test_readme_usage_names_the_table() -> None:
    """Each line of the README's usage block is a command of the table with flags it has, and every
    command of the table has a line."""
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Usage", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    described = set()
    for line in block.splitlines():
        words = line.split("#")[0].split()
        assert words[0] == "isollm", line
        if words[1:] == ["--version"]:
            continue
        name = tuple(w for w in words[1:3] if w.isidentifier())
        command = BY_WORDS.get(name) or BY_WORDS[name[:1]]
        described.add(command.words)
        for flag in re.findall(r"--[\w-]+", line):
            assert flag.replace("-", "_")[2:] in [p.flag.replace("-", "_")[2:] for p in command.params], (line, flag)
    assert described == set(BY_WORDS)
