"""The habits people expect of a command line: --version, where the orchestrator's commands belong,
did you mean."""

from __future__ import annotations

from pathlib import Path

import pytest

from isollm import __version__
from isollm.cli import launch
from isollm.cli.table import ORCHESTRATOR_COMMANDS
from tests.conftest import REPO
from tests.inprocess import Result, run_main


@pytest.fixture
def isollm(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``isollm(*args, cwd=..., stdin=b"...")``: ``main(args)`` in this process."""
    def run(*args: str, cwd: Path, stdin: bytes = b"", main=launch.main) -> Result:  # type: ignore[no-untyped-def]
        return run_main(main, args, cwd, capsys, monkeypatch, stdin=stdin)
    return run


def _usage_error(result: Result) -> str:
    assert result.returncode == 2, result
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ")
    return line


# --- --version ---------------------------------------------------------------------------

def test_version(isollm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = isollm("--version", cwd=tmp_path)
    assert result == (0, f"isollm (isollm-toolkit) {__version__}\n", "")


def test_version_takes_nothing_else(isollm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert "unexpected argument: now" in _usage_error(isollm("--version", "now", cwd=tmp_path))


def test_help_tells_of_version_and_the_orchestrator(isollm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = isollm("--help", cwd=tmp_path).stdout
    assert "isollm --version" in text
    assert all(command in text for command in ORCHESTRATOR_COMMANDS) and "orchestrator" in text


# --- the orchestrator's commands -----------------------------------------------------------

@pytest.mark.parametrize("command", ORCHESTRATOR_COMMANDS)
def test_orchestrator_commands_say_where_they_belong(isollm, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    line = _usage_error(isollm(command, "--some-flag", cwd=tmp_path))
    assert f"'{command}' is a command of the isollm orchestrator" in line
    assert "unknown command" not in line


# --- did you mean ------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (["valdate"], "unknown command: valdate (did you mean 'validate'?)"),
    (["stat"], "unknown command: stat (did you mean 'state'?)"),
    (["confg", "show"], "unknown command: confg (did you mean 'config'?)"),
    (["config", "shwo"], "unknown command: shwo (did you mean 'show'?) (see 'isollm config --help')"),
    (["state", "chek"], "(did you mean 'check'?)"),
    (["validate", "--fromat", "json"], "unknown flag: --fromat (did you mean '--format'?)"),
    (["init", "--nmae=x"], "unknown flag: --nmae (did you mean '--name'?)"),
    (["--verison"], "unknown flag: --verison (did you mean '--version'?)"),
])
def test_a_misspelt_name_gets_a_suggestion(isollm, tmp_path: Path, args: list[str], expected: str) -> None:  # type: ignore[no-untyped-def]
    assert expected in _usage_error(isollm(*args, cwd=tmp_path))


@pytest.mark.parametrize("args", [["xyzzy"], ["config", "qqq"], ["validate", "--zzz"]])
def test_no_suggestion_when_nothing_is_close(isollm, tmp_path: Path, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert "did you mean" not in _usage_error(isollm(*args, cwd=tmp_path))


def test_config_keys_and_commands_share_one_suggester() -> None:
    grammar = (REPO / "isollm" / "cli" / "grammar.py").read_text()
    explain = (REPO / "isollm" / "schema" / "explain.py").read_text()
    assert "from isollm.schema.messages import closest" in grammar
    assert "closest(" in explain and "difflib" not in grammar + explain
