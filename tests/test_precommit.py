"""The ``isollm-validate`` hook run by the real ``pre-commit try-repo`` against this checkout.

``try-repo`` builds a fresh virtual environment and pip-installs the repository each time
(it ignores PRE_COMMIT_HOME for that), so the module runs it only twice on one prepared
repository holding every case. It sees committed and staged changes of the checkout only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from tests import dependencies

pytestmark = dependencies.program("pre-commit", "git")

VALID = "project: demo\nworkers: 4\n"
# An isollm config, broken on line 3: the hook must report it wherever it sits...
INVALID = "project: demo\nimage: ubuntu:24.04\nworkers: 50\nzellij:\n  layout: diagonal\n"
# ...and must not look at files with other names, however wrong they are as configs.
FILES = {
    "isollm.yaml": VALID,
    "deep/nested/dir/isollm.yml": INVALID,
    "other.yaml": INVALID,
    "isollm.yaml.bak": INVALID,
    "not-isollm.yaml": INVALID,
    "ci/myisollm.yml": INVALID,
}


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "cases")
    return root


@pytest.fixture(scope="module")
def try_repo(tmp_path_factory: pytest.TempPathFactory, project: Path):
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHONPATH"))}
    env.update(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", NO_COLOR="1")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["pre-commit", "try-repo", str(REPO), "isollm-validate", "--verbose", *args],
                              cwd=project, env=env, capture_output=True, text=True, timeout=600)
    return run


def test_valid_config_passes_and_unrelated_yaml_is_not_checked(try_repo) -> None:
    # Every file but the nested config is offered: only isollm.yaml matches the hook's
    # `files`, and it is valid, so the broken configs under other names must go unnoticed.
    result = try_repo("--files", *(name for name in FILES if name != "deep/nested/dir/isollm.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"validate isollm\.yaml\.+Passed", result.stdout), result.stdout


def test_invalid_nested_config_fails_with_located_errors(try_repo) -> None:
    result = try_repo("--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"validate isollm\.yaml\.+Failed", result.stdout), result.stdout
    located = re.findall(r"^(\S+):(\d+):(\d+): error: (.+)$", result.stdout, re.MULTILINE)
    assert ("deep/nested/dir/isollm.yml", "3", "10", "workers cannot exceed 20") in located
    assert ("deep/nested/dir/isollm.yml", "5", "11",
            "zellij.layout must be one of: auto, horizontal, vertical, grid") in located
    assert {path for path, *_ in located} == {"deep/nested/dir/isollm.yml"}
    # isollm would never read it under that name: the hook says so first.
    assert ("deep/nested/dir/isollm.yml: error: isollm reads only isollm.yaml; rename isollm.yml to isollm.yaml "
            "(git mv deep/nested/dir/isollm.yml deep/nested/dir/isollm.yaml)") in result.stdout.splitlines()


# The README's recipes as written, its clone's path (and a commit of it) replaced by this checkout's.
README = (REPO / "README.md").read_text(encoding="utf-8")
CLONE = "/path/to/isollm-toolkit"
PLACEHOLDER_COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _from_readme(text: str) -> str:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.strip()
    return text.replace(CLONE, str(REPO)).replace(PLACEHOLDER_COMMIT, head)


def test_readme_try_repo_command(project: Path) -> None:
    (line,) = [line for line in README.splitlines() if line.startswith("pre-commit try-repo ")]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHONPATH"))}
    env.update(PRE_COMMIT_COLOR="never", NO_COLOR="1")
    result = subprocess.run(["bash", "-c", _from_readme(line)], cwd=project, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"validate isollm\.yaml\.+Passed", result.stdout), result.stdout


@pytest.mark.parametrize("recipe", ["repo: /path/to/isollm-toolkit", "entry: isollm-validate",
                                    "entry: check-jsonschema"])
def test_readme_configs_for_today_stop_a_broken_config(recipe: str, tmp_path: Path) -> None:
    """Each ``.pre-commit-config.yaml`` the README offers for today, run by ``pre-commit run``."""
    (snippet,) = [block for block in re.findall(r"```yaml\n(repos:.*?)```", README, re.DOTALL) if recipe in block]
    root = tmp_path / "project"
    root.mkdir()
    # Valid for standard keywords; the validator class (and isollm-validate) sees the duplicate port.
    (root / "isollm.yaml").write_text("project: demo\nports: ['3000', '3000:80']\n", encoding="utf-8")
    (root / ".pre-commit-config.yaml").write_text(_from_readme(snippet), encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    bin_dir = tmp_path / "bin"  # the installed isollm-validate the local system hook runs
    bin_dir.mkdir()
    (bin_dir / "isollm-validate").write_text(
        f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -c '
        f'"import sys; from isollm.cli.hook import main; sys.exit(main())" "$@"\n')
    (bin_dir / "isollm-validate").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHONPATH"))}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "home"), PRE_COMMIT_COLOR="never", NO_COLOR="1",
               PATH=f"{bin_dir}{os.pathsep}{env['PATH']}")
    result = subprocess.run(["pre-commit", "run", "--all-files"], cwd=root, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"validate isollm\.yaml\.+Failed", result.stdout), result.stdout
    assert "duplicate port: 3000" in result.stdout, result.stdout
