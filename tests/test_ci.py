"""CI (.ci/run) runs the README's test command, and the lowest versions it tests are pyproject's."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
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


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = readme.split("```sh\n", 1)[1].splitlines()[1]
    assert command == 'python3 -m pip install -e ".[test]" && python3 -m pytest'
    # As a line of its own (not a comment), verbatim, perhaps followed by "|| status=1".
    assert any(line == command or line.startswith(command + " ")
               for line in RUN.read_text(encoding="utf-8").splitlines())


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
