"""CI (.ci/run) runs the README's test command, and the lowest versions it tests are pyproject's."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement

from conftest import REPO

RUN = REPO / ".ci" / "run"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lowest_constraints", REPO / ".ci" / "lowest_constraints.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lowest = _script()


VENV = "python3 -m venv .venv && . .venv/bin/activate && "


def _quick_start() -> list[str]:
    """The README's two set-up commands, the first lines of its first shell block."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    command = _quick_start()[1]
    assert command == VENV + 'python3 -m pip install -e ".[test]" && python3 -m pytest'
    # As a line of its own (not a comment), verbatim, perhaps followed by "|| status=1".
    assert any(line == command or line.startswith(command + " ")
               for line in RUN.read_text(encoding="utf-8").splitlines())
    # /work/shared/tools/fresh-clone-test's pattern finds it, and pytest comes last, so
    # arguments appended to the line reach pytest.
    assert re.search(r"pip install.*\[test\].*pytest", command) and command.endswith("pytest")


def test_each_quick_start_line_stands_alone() -> None:
    """Each line makes its own venv (pip must not install into a system Python) and leaves the
    shell in the directory it started from, so the next line pasted after it still works."""
    install, test = _quick_start()
    assert install.startswith(VENV) and test.startswith(VENV)
    # Any cd happens in a subshell.
    outside = re.sub(r"\((?:[^()]|\$\([^()]*\))*\)", "", install)
    assert "cd " not in outside and "cd " not in test


@pytest.mark.packaging
def test_quick_start_pasted_together_in_a_fresh_copy(tmp_path: Path) -> None:
    """Both lines as one paste in a fresh copy of the repository, with no venv yet; pytest given
    one small test file (as fresh-clone-test appends its own arguments) to keep it short."""
    copy = tmp_path / "isollm-toolkit"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    for name in files:
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    install, test = _quick_start()
    script = f"{install}\n{test} -p no:cacheprovider -q tests/test_oneline.py\n"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("PYTEST_")}
    result = subprocess.run(["bash", "-e", "-c", script], cwd=copy, env=env, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "isollm.yaml: valid" in result.stdout.splitlines()
    assert re.search(r"\d+ passed", result.stdout), result.stdout[-3000:]
    assert not (copy / "isollm.yaml").exists()  # init ran in the temporary directory


def test_ci_installs_the_lowest_versions_on_the_oldest_python() -> None:
    text = RUN.read_text(encoding="utf-8")
    assert "lowest_constraints.py --python" in text
    # The build backend's bound is tested only if pip's isolated build environment is
    # constrained too: PIP_CONSTRAINT alone no longer reaches it in recent pip (26.3).
    assert 'PIP_CONSTRAINT="$lowest/constraints.txt" PIP_BUILD_CONSTRAINT="$lowest/constraints.txt"' in text


def test_every_dependency_is_pinned_at_its_lower_bound() -> None:
    result = subprocess.run([sys.executable, str(REPO / ".ci" / "lowest_constraints.py")],
                            capture_output=True, text=True, check=True)
    pins = {Requirement(line).name.lower(): Requirement(line) for line in result.stdout.splitlines()}
    pyproject = lowest.tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = lowest.requirements(pyproject)
    assert set(pins) == {requirement.name.lower() for requirement in declared}
    assert {"pyyaml", "jsonschema", "fire", "pytest", "pexpect", "hatchling"} <= set(pins)
    for requirement in declared:
        (pin,) = pins[requirement.name.lower()].specifier
        assert pin.operator == "=="
        assert requirement.specifier.contains(pin.version), (requirement, pin)  # the bound is allowed


def test_the_oldest_python_is_requires_python() -> None:
    result = subprocess.run([sys.executable, str(REPO / ".ci" / "lowest_constraints.py"), "--python"],
                            capture_output=True, text=True, check=True)
    assert result.stdout == "3.10\n"


@pytest.mark.parametrize(("declared", "pinned"), [
    (["a>=1.2"], ["a==1.2"]),
    (["B>=2,<3", "a~=1.4"], ["a==1.4", "B==2"]),
    (["c==4; python_version < '3.11'"], ['c==4; python_version < "3.11"']),
    (["d>=1", "d>=1"], ["d==1"]),
])
def test_constraints(declared: list[str], pinned: list[str]) -> None:
    assert lowest.constraints(Requirement(text) for text in declared) == pinned


@pytest.mark.parametrize("declared", [["a"], ["a<2"], ["a>=1,>=2"], ["a>=1", "a>=2"]])
def test_a_requirement_without_one_lower_bound_is_refused(declared: list[str]) -> None:
    # "any version" cannot be tested at its lowest; two bounds are ambiguous.
    with pytest.raises(ValueError):
        lowest.constraints(Requirement(text) for text in declared)
