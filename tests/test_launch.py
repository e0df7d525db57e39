"""``isollm`` answers ``config show`` and ``state show`` without Fire, exactly as Fire's front would."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from isollm.cli.launch import hot_command

REPO = Path(__file__).resolve().parent.parent
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


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _run(code: str, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    import os

    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    full_env["PYTHONPATH"] = str(REPO)
    full_env.update(env or {})
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=full_env,
                            capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout, result.stderr


FAST = "import sys; from isollm.cli.launch import main; sys.exit(main(sys.argv[1:]))"
FIRE = "import sys; from isollm.cli.front import main; sys.exit(main(sys.argv[1:]))"


@pytest.mark.skipif(not _has("isollm.cli.commands.config_show"), reason="config show is not in this checkout yet")
@pytest.mark.parametrize("content", [VALID, "workers: 99\n", "a: [\n", None])
@pytest.mark.parametrize("args", [["config", "show"], ["config", "show", "--format", "json"],
                                  ["config", "show", "--format=xml"]])
def test_config_show_same_as_through_fire(tmp_path: Path, content: str | None, args: list[str]) -> None:
    if content is not None:
        (tmp_path / "isollm.yaml").write_text(content)
    assert _run(FAST, args, tmp_path) == _run(FIRE, args, tmp_path)


@pytest.mark.skipif(not (_has("isollm.cli.commands.state") and _has("isollm.state")),
                    reason="state show is not in this checkout yet")
@pytest.mark.parametrize("args", [["state", "show"], ["state", "show", "--format=json"]])
def test_state_show_same_as_through_fire(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "isollm.yaml").write_text(VALID)
    assert _run(FAST, args, tmp_path) == _run(FIRE, args, tmp_path)


@pytest.mark.skipif(not _has("isollm.cli.commands.config_show"), reason="config show is not in this checkout yet")
def test_config_show_imports_no_fire(isollm, tmp_path: Path) -> None:
    (tmp_path / "isollm.yaml").write_text(VALID)
    result = isollm("config", "show", cwd=tmp_path, env={"PYTHONPROFILEIMPORTTIME": "1"})
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
