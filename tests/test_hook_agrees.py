"""``isollm-validate`` is ``isollm validate`` with the "PATH: valid" lines quiet, for any arguments.

The hook reads its few words itself and hands anything else to ``isollm validate``'s
reader; these tests hold the two to one grammar: the same exit status, the same
stderr, and the same stdout but for the "valid" lines, over a table of argument lists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.inprocess import HOOK, LAUNCH, Result, run

ARGS = [
    [],
    ["ok.yaml"],
    ["ok.yaml", "bad.yaml"],
    ["missing.yaml"],
    ["bad.yaml", "missing.yaml", "ok.yaml"],
    ["sub"],
    ["--"],
    ["--", "-x.yaml"],
    ["--", "-x.yaml", "--format", "json"],
    ["-x.yaml"],
    ["--", "--help"],
    ["-"],
    ["-", "ok.yaml"],
    ["--format=json", "-", "bad.yaml"],
    ["-", "-"],
    ["--format", "json", "bad.yaml", "ok.yaml"],
    ["bad.yaml", "--format=json"],
    ["--format=json", "ok.yaml"],
    ["--format=github", "bad.yaml"],
    ["--format=text", "ok.yaml"],
    ["-f", "json", "ok.yaml"],
    ["-f=github"],
    ["--format", "text", "--format", "json", "ok.yaml"],
    ["--format"],
    ["ok.yaml", "--format"],
    ["--format="],
    ["--format", "xml", "ok.yaml"],
    ["--format", "--", "ok.yaml"],
    ["--bogus"],
    ["-z"],
    ["--bogus=1", "ok.yaml"],
    ["ok.yaml", "--name", "x"],
    ["--noformat"],
    ["---"],
    ["--help"],
    ["-h"],
    ["ok.yaml", "--help"],
    ["--format", "json", "--help"],
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "sub").mkdir(parents=True)
    (root / "isollm.yaml").write_text("project: demo\n")
    (root / "ok.yaml").write_text("project: demo\nworkers: 3\n")
    (root / "-x.yaml").write_text("project: demo\n")
    (root / "bad.yaml").write_text("project: demo\nworkers: 0\nimage: ubuntu\n")
    return root


def _both(args: list[str], cwd: Path, stdin: bytes = b"") -> tuple[Result, Result]:
    by_hook = run(HOOK, *args, cwd=cwd, input=stdin)
    by_validate = run(LAUNCH, "validate", *args, cwd=cwd, input=stdin)
    return by_hook, by_validate


def _without_valid_lines(stdout: str) -> str:
    return "".join(line for line in stdout.splitlines(keepends=True) if not line.endswith(": valid\n"))


# Each argument list with an empty standard input, and those that read it with a config there too.
CASES = [(args, b"") for args in ARGS] + [(args, b"project: demo\nworkers: 0\n") for args in ARGS if "-" in args]


@pytest.mark.parametrize("where", ["project", "outside"])
@pytest.mark.parametrize(("args", "stdin"), CASES, ids=lambda v: " ".join(v) or "(none)" if isinstance(v, list)
                         else f"stdin={v[:10]!r}")
def test_hook_is_validate_without_valid_lines(project: Path, where: str, args: list[str], stdin: bytes) -> None:
    cwd = project if where == "project" else project.parent
    by_hook, by_validate = _both(args, cwd, stdin)
    assert by_hook.returncode == by_validate.returncode
    assert by_hook.stderr == by_validate.stderr
    assert by_hook.stdout == _without_valid_lines(by_validate.stdout)
    assert "Traceback" not in by_hook.stderr


@pytest.mark.parametrize(("args", "status"), [
    ([], 0), (["ok.yaml"], 0), (["--", "-x.yaml"], 0), (["bad.yaml"], 1), (["missing.yaml"], 1), (["-x.yaml"], 2),
    (["sub"], 1), (["-"], 1), (["-", "-"], 2),
    (["--format"], 2), (["--format=xml"], 2), (["--bogus"], 2), (["--help"], 0),
])
def test_the_statuses_both_mean(project: Path, args: list[str], status: int) -> None:
    """The agreement above would hold for two equally wrong programs: pin what they agree on."""
    by_hook, by_validate = _both(args, project)
    assert by_hook.returncode == by_validate.returncode == status
