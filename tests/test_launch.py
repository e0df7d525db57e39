"""``isollm`` answers ``config show`` and ``state show`` without Fire, exactly as Fire's front would."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Runner, in_process_runner
from isollm.cli.launch import hot_command

VALID = "project: demo\nworkers: 3\n"


@pytest.mark.parametrize(("args", "expected"), [
    (["config", "show"], ("config_show", "run", ())),
    (["config", "show", "--format", "json"], ("config_show", "run", ("json",))),
    (["config", "show", "--format=yaml"], ("config_show", "run", ("yaml",))),
    (["config", "show", "--format", "xml"], ("config_show", "run", ("xml",))),  # the command rejects it
    (["state", "show"], ("state", "show", ())),
    (["state", "show", "--format=json"], ("state", "show", ("json",))),
])
def test_plain_spellings_are_hot(args: list[str], expected: tuple[str, str, tuple[str, ...]]) -> None:
    assert hot_command(args) == expected


@pytest.mark.parametrize("args", [
    [], ["config"], ["state"], ["validate"], ["config", "edit"], ["state", "check"], ["state", "clean"],
    ["config", "show", "--help"], ["config", "show", "-h"], ["config", "show", "json"],
    ["config", "show", "--format"], ["config", "show", "--format", "--help"], ["config", "show", "--format="],
    ["config", "show", "--format", "json", "--extra"], ["config", "show", "--fmt", "json"],
    ["show", "config"], ["config", "show", "--format", "a,b"], ["config", "show", "--format", "ĵson"],
])
def test_everything_else_goes_to_fire(args: list[str]) -> None:
    assert hot_command(args) is None


# The same arguments through the fast path and through Fire's front, each called in-process.
FAST = in_process_runner("isollm.cli.launch")
FIRE = in_process_runner("isollm.cli.front")


def _run(runner: Runner, args: list[str], cwd: Path) -> tuple[int, str, str]:
    result = runner(*args, cwd=cwd)
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize("content", [VALID, "workers: 99\n", "a: [\n", None])
@pytest.mark.parametrize("args", [["config", "show"], ["config", "show", "--format", "json"],
                                  ["config", "show", "--format=xml"]])
def test_config_show_same_as_through_fire(tmp_path: Path, content: str | None, args: list[str]) -> None:
    if content is not None:
        (tmp_path / "isollm.yaml").write_text(content)
    assert _run(FAST, args, tmp_path) == _run(FIRE, args, tmp_path)


@pytest.mark.parametrize("args", [["state", "show"], ["state", "show", "--format=json"]])
def test_state_show_same_as_through_fire(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "isollm.yaml").write_text(VALID)
    assert _run(FAST, args, tmp_path) == _run(FIRE, args, tmp_path)


def test_config_show_imports_no_fire(isollm_process, tmp_path: Path) -> None:
    (tmp_path / "isollm.yaml").write_text(VALID)
    result = isollm_process("config", "show", cwd=tmp_path, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stderr
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in result.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    assert "isollm" in imported
    assert not imported & {"fire", "jsonschema", "asyncio"}


def test_other_commands_still_reach_fire(isollm, tmp_path: Path) -> None:
    (tmp_path / "isollm.yaml").write_text(VALID)
    result = isollm("validate", "isollm.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert isollm("--help", cwd=tmp_path).returncode == 0
    assert isollm("no-such-command", cwd=tmp_path).returncode == 2
