"""The ``isollm-validate`` hook run by the real ``pre-commit try-repo`` against this checkout.

``try-repo`` builds a fresh virtual environment and pip-installs the repository each time
(it ignores PRE_COMMIT_HOME for that), so the module runs it only twice on one prepared
repository holding every case. It sees committed and staged changes of the checkout only.
"""

from __future__ import annotations

import os
import re
import subprocess
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
