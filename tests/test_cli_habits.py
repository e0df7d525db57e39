"""The habits people expect of a command line: --version, where the orchestrator's commands belong,
did you mean, PATH|DIR|- arguments, GitHub paths from the repository root, and output nobody reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from isollm import __version__
from isollm.cli import launch
from isollm.cli.front import ORCHESTRATOR_COMMANDS
from tests.conftest import REPO
from tests.inprocess import HOOK, LAUNCH, Result, run

VALID = "project: demo\nworkers: 3\n"
INVALID = "project: demo\nworkers: 0\n"


@pytest.fixture
def isollm():  # type: ignore[no-untyped-def]
    """``isollm(*args, cwd=..., stdin=b"...")``: ``main(args)`` in this process (``main=HOOK``: the hook's)."""
    def run_isollm(*args: str, cwd: Path, stdin: bytes = b"", main=LAUNCH) -> Result:  # type: ignore[no-untyped-def]
        return run(main, *args, cwd=cwd, input=stdin)
    return run_isollm


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


def _program(directory: Path, body: str) -> Path:
    directory.mkdir(exist_ok=True)
    program = directory / "isollm"
    program.write_text("#!/bin/sh\n" + body)
    program.chmod(0o755)
    return directory


@pytest.fixture
def orchestrator(tmp_path: Path) -> Path:
    """A stand-in for the Go isollm: prints what it was given, exits 7."""
    return _program(tmp_path / "go-bin", 'echo "orchestrator: $# $*"; echo "$ISOLLM_TOOLKIT_PASSED_THROUGH" >&2; exit 7\n')


@pytest.fixture
def toolkit_copy(tmp_path: Path) -> Path:
    """Another isollm of this toolkit on PATH (a second venv's, a pyenv shim): not the orchestrator."""
    return _program(tmp_path / "toolkit-bin", f'exec "{sys.executable}" -m isollm "$@"\n')


def _path(*directories: Path) -> str:
    return os.pathsep.join([*map(str, directories), "/usr/bin", "/bin"])


@pytest.mark.parametrize("command", ORCHESTRATOR_COMMANDS)
def test_orchestrator_commands_are_passed_on_unchanged(isollm_process, tmp_path: Path, orchestrator: Path,
                                                       toolkit_copy: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    # This isollm first, another copy of the toolkit next (skipped), then the orchestrator.
    result = isollm_process(command, "--detach", "a b", "", cwd=tmp_path,
                            env={"PATH": _path(toolkit_copy, orchestrator)}, timeout=60)
    assert (result.returncode, result.stdout) == (7, f"orchestrator: 4 {command} --detach a b \n"), result.stderr


def test_without_the_orchestrator_it_says_where_to_get_it_and_never_loops(isollm_process, tmp_path: Path,
                                                                          toolkit_copy: Path) -> None:  # type: ignore[no-untyped-def]
    result = isollm_process("up", cwd=tmp_path, env={"PATH": _path(toolkit_copy)}, timeout=60)
    assert result.returncode == 2
    assert "https://github.com/pierre-yves-mathieu/isollm" in result.stderr
    assert result.stderr.count("\n") == 1  # one message: from the copy it went through, once


def test_toolkit_commands_are_never_passed_on(isollm_process, tmp_path: Path, orchestrator: Path) -> None:  # type: ignore[no-untyped-def]
    result = isollm_process("validate", cwd=tmp_path, env={"PATH": _path(orchestrator)})
    assert result.returncode == 1 and "orchestrator:" not in result.stdout
    assert "not in an isollm project" in result.stderr


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
    grammar = (REPO / "isollm" / "cli" / "launch.py").read_text()
    explain = (REPO / "isollm" / "schema" / "explain.py").read_text()
    assert "from isollm.schema.messages import closest" in grammar
    assert "closest(" in explain and "difflib" not in grammar + explain


# --- validate PATH|DIR|- -----------------------------------------------------------------------

@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "svc").mkdir(parents=True)
    (root / "isollm.yaml").write_text(VALID)
    (root / "svc" / "isollm.yaml").write_text(INVALID)
    return root


def test_validate_reads_standard_input(isollm, project: Path) -> None:  # type: ignore[no-untyped-def]
    assert isollm("validate", "-", cwd=project, stdin=VALID.encode()) == (0, "<stdin>: valid\n", "")
    result = isollm("validate", "-", cwd=project, stdin=INVALID.encode())
    assert result == (1, "", "<stdin>:2:10: error: workers must be at least 1\n")


@pytest.mark.parametrize("main", [LAUNCH, HOOK], ids=["isollm", "hook"])
def test_standard_input_in_json_and_beside_files(isollm, project: Path, main) -> None:  # type: ignore[no-untyped-def]
    args = ["-", "isollm.yaml", "--format", "json"]
    result = isollm(*(args if main == HOOK else ["validate", *args]), cwd=project, main=main,
                    stdin=INVALID.encode())
    assert result.returncode == 1
    files = json.loads(result.stdout)["files"]
    assert [(f["path"], f["valid"]) for f in files] == [("<stdin>", False), ("isollm.yaml", True)]
    assert files[0]["errors"][0]["line"] == 2


@pytest.mark.parametrize(("stdin", "message"), [
    (b"", "<stdin>:1:1: error: config file is empty"),
    (b"\xff\xfe", "<stdin>"),
    (b"a: [\n", "<stdin>:"),
    (b"x" * (1024 * 1024 + 1), "<stdin>: error: standard input is larger than 1024 KiB"),
])
def test_bad_standard_input_is_one_located_error(isollm, project: Path, stdin: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    result = isollm("validate", "-", cwd=project, stdin=stdin)
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(message) and ": error: " in line


def test_standard_input_is_read_once(isollm, project: Path) -> None:  # type: ignore[no-untyped-def]
    assert "standard input ('-') can be read only once" in _usage_error(isollm("validate", "-", "-", cwd=project))


def test_a_closed_standard_input(isollm, project: Path) -> None:  # type: ignore[no-untyped-def]
    def closed(args: list[str]) -> int:
        sys.stdin = None  # type: ignore[assignment]  # the runner puts back the stdin it found
        return launch.main(args)
    result = isollm("validate", "-", cwd=project, main=closed)
    assert result == (1, "", "<stdin>: error: standard input is closed\n")


def test_git_show_into_validate(project: Path) -> None:
    """The README's example, through a real pipe: `git show HEAD:isollm.yaml | isollm validate -`."""
    from tests.conftest import _env

    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "add", "isollm.yaml"], check=True)
    subprocess.run(["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"],
                   check=True)
    (project / "isollm.yaml").write_text(INVALID)  # the committed version is checked, not the file
    shown = subprocess.run(["git", "-C", str(project), "show", "HEAD:isollm.yaml"], capture_output=True, check=True)
    result = subprocess.run([sys.executable, "-m", "isollm", "validate", "-"], input=shown.stdout, cwd=project,
                            env=_env(None), capture_output=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, b"<stdin>: valid\n", b"")


@pytest.mark.parametrize(("arg", "name"), [("svc", "svc/isollm.yaml"), ("svc/", "svc/isollm.yaml"),
                                           (".", "isollm.yaml"), ("./", "isollm.yaml")])
def test_validate_a_directory_means_its_config(isollm, project: Path, arg: str, name: str) -> None:  # type: ignore[no-untyped-def]
    result = isollm("validate", arg, "--format=json", cwd=project)
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == [name]


def test_a_directory_without_a_config(isollm, project: Path) -> None:  # type: ignore[no-untyped-def]
    (project / "empty").mkdir()
    result = isollm("validate", "empty", cwd=project)
    assert result == (1, "", "empty/isollm.yaml: error: config file not found: empty/isollm.yaml\n")


# --- config show [PATH|DIR|-] ------------------------------------------------------------------

@pytest.mark.parametrize(("args", "stdin", "header"), [
    ([], b"", "{root}/isollm.yaml"),
    (["svc"], b"", "{root}/svc/isollm.yaml"),
    (["svc/isollm.yaml"], b"", "{root}/svc/isollm.yaml"),
    (["--path", "svc"], b"", "{root}/svc/isollm.yaml"),
    (["-"], b"project: piped\n", "<stdin>"),
])
def test_config_show_takes_a_path_a_directory_or_stdin(isollm, project: Path, args: list[str], stdin: bytes,  # type: ignore[no-untyped-def]
                                                      header: str) -> None:
    result = isollm("config", "show", *args, cwd=project, stdin=stdin)
    assert result.returncode == 0
    assert result.stdout.startswith(f"# Configuration: {header.format(root=project.resolve())}\n")
    name = "piped" if stdin else "demo"
    assert f"\nproject: {name}\n" in result.stdout


def test_config_show_json_of_stdin(isollm, project: Path) -> None:  # type: ignore[no-untyped-def]
    result = isollm("config", "show", "-", "--format", "json", cwd=project, stdin=INVALID.encode())
    assert result.returncode == 0
    assert json.loads(result.stdout)["workers"] == 0
    assert result.stderr == "<stdin>:2:10: error: workers must be at least 1\n"


@pytest.mark.parametrize(("args", "stdin", "printed"), [
    (["project"], b"", "demo\n"), (["project", "svc"], b"", "demo\n"), (["workers", "svc/isollm.yaml"], b"", "0\n"),
    (["workers", "-"], b"project: piped\nworkers: 7\n", "7\n"), (["image", "--path", "-"], b"project: p\n", None),
])
def test_config_get_takes_the_same_path_argument(isollm, project: Path, args: list[str], stdin: bytes,  # type: ignore[no-untyped-def]
                                                 printed: str | None) -> None:
    from isollm.config import default_config

    result = isollm("config", "get", *args, cwd=project, stdin=stdin)
    assert result.returncode == 0
    assert result.stdout == (printed if printed is not None else default_config("p").image + "\n")


def test_config_show_of_a_missing_directory_config(isollm, project: Path) -> None:  # type: ignore[no-untyped-def]
    (project / "empty").mkdir()
    result = isollm("config", "show", "empty", cwd=project)
    assert result == (1, "", "empty/isollm.yaml: error: config file not found: empty/isollm.yaml\n")


# --- --format github names files from the repository root -------------------------------------

def _annotated_files(stdout: str) -> list[str]:
    return [line.split("file=", 1)[1].split(",", 1)[0] for line in stdout.splitlines()]


@pytest.mark.parametrize("git_entry", ["dir", "file"])  # .git is a file in a worktree or submodule
def test_github_paths_are_relative_to_the_repository_root(isollm, project: Path, git_entry: str) -> None:  # type: ignore[no-untyped-def]
    if git_entry == "dir":
        (project / ".git").mkdir()
    else:
        (project / ".git").write_text("gitdir: /elsewhere/.git/worktrees/project\n")
    (project / "svc" / "deep").mkdir()
    for cwd, args in [(project / "svc" / "deep", ["..", "../isollm.yaml"]), (project, ["svc"]),
                      (project / "svc", [str(project / "svc" / "isollm.yaml")]), (project / "svc", [])]:
        result = isollm("validate", "--format", "github", *args, cwd=cwd)
        assert result.returncode == 1
        assert set(_annotated_files(result.stdout)) == {"svc/isollm.yaml"}, (cwd, args, result.stdout)


def test_github_paths_outside_a_repository_are_relative_to_here(isollm, project: Path) -> None:  # type: ignore[no-untyped-def]
    if any((parent / ".git").exists() for parent in project.parents):
        pytest.skip("the temporary directory is inside a git repository")
    result = isollm("validate", "--format", "github", str(project / "svc"), cwd=project)
    assert _annotated_files(result.stdout) == ["svc/isollm.yaml"]
    result = isollm("validate", "--format", "github", "-", cwd=project, stdin=INVALID.encode())
    assert _annotated_files(result.stdout) == ["<stdin>"]


# --- output nobody can take: a closed pipe, a full disk, a closed descriptor -----------------------

class _Refusing:
    """A stdout whose every write fails as ``error`` does."""

    def __init__(self, error: OSError) -> None:
        self.error = error

    def write(self, text: str) -> int:
        raise self.error

    def flush(self) -> None:
        raise self.error


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["schema"], ["validate"], ["config", "show"]])
@pytest.mark.parametrize(("error", "says"), [(BrokenPipeError(32, "Broken pipe"), ""),
                                             (OSError(28, "No space left on device"), "No space left on device")])
def test_output_that_cannot_be_written_in_process(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str], args: list[str],
                                                  error: OSError, says: str) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setattr(sys, "stdout", _Refusing(error))
    status = launch.main(args)
    err = capsys.readouterr().err
    assert status == 1
    if says:
        (line,) = err.splitlines()
        assert line.startswith("error: ") and says in line
    else:
        assert err == ""  # the reader of a pipe chose to stop: nothing to say


COMMANDS = [("isollm", ["--help"]), ("isollm", ["validate", "--help"]), ("isollm", ["--version"]),
            ("isollm", ["schema"]), ("isollm", ["validate"]), ("isollm", ["config", "show"]),
            ("isollm", ["state", "show", "--format", "json"]), ("isollm.cli.hook", ["--format", "json"]),
            ("isollm.cli.hook", ["--help"])]


def _env(buffered: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    return env


def _run(module: str, args: list[str], cwd: Path, stdout: int | None, buffered: bool, **kwargs) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    child = subprocess.Popen([sys.executable, "-m", module, *args], cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=stdout, stderr=subprocess.PIPE, env=_env(buffered), **kwargs)
    if stdout is not None:
        os.close(stdout)
    _, err = child.communicate(timeout=60)
    return child.returncode, err.decode()


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize(("module", "args"), COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_into_a_closed_pipe(project: Path, module: str, args: list[str], buffered: bool) -> None:
    """``isollm --help | head -0``: the reader is gone before anything is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    status, err = _run(module, args, project, write_end, buffered)
    assert (status, err) == (1, "")


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize(("module", "args"), COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_into_a_full_disk(project: Path, module: str, args: list[str], buffered: bool) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    status, err = _run(module, args, project, os.open("/dev/full", os.O_WRONLY), buffered)
    assert status == 1
    (line,) = err.splitlines()
    assert line.startswith("error: ") and "No space left on device" in line


@pytest.mark.parametrize(("module", "args"), COMMANDS[:5], ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_with_stdout_closed(project: Path, module: str, args: list[str]) -> None:
    """``isollm --help >&-``: Python starts with no sys.stdout at all; nobody reads the output."""
    status, err = _run(module, args, project, None, True, preexec_fn=lambda: os.close(1))
    assert "Traceback" not in err and "Exception ignored" not in err
    assert status == 0, err


@pytest.mark.parametrize("command", [["config", "show"], ["config", "get", "workers"]])
def test_config_show_and_get_report_a_file_as_validate_does(isollm, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           command: list[str]) -> None:
    """One reader for all: the rename error and the unpublished-modeline warning too."""
    text = ("# yaml-language-server: $schema=https://raw.githubusercontent.com/isollm/isollm-toolkit/main/x.json\n"
            "project: demo\nworkers: 99\n")
    (tmp_path / "isollm.yml").write_text(text, encoding="utf-8")
    validated = isollm("validate", "isollm.yml", cwd=tmp_path)
    shown = isollm(*command, "isollm.yml", cwd=tmp_path)
    assert validated.returncode == 1 and shown.returncode == 0
    assert shown.stderr == validated.stderr
    assert [line.split(": ")[1] for line in shown.stderr.splitlines()] == ["error", "warning", "error"]


@pytest.mark.parametrize("error", [BrokenPipeError(32, "Broken pipe"), OSError(28, "No space left on device")])
def test_init_makes_the_whole_project_when_its_output_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                        capsys: pytest.CaptureFixture[str],
                                                                        error: OSError) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdout", _Refusing(error))
    assert launch.main(["init", "--name", "demo"]) == 1
    assert "could not update .gitignore" not in capsys.readouterr().err  # the output failed, not the file
    assert (tmp_path / "isollm.yaml").is_file() and (tmp_path / ".isollm" / "isollm.schema.json").is_file()
    assert ".isollm/" in (tmp_path / ".gitignore").read_text().splitlines()
