"""Print pip constraints pinning every dependency pyproject.toml names at its lower bound.

    python3 .ci/lowest_constraints.py > lowest.txt
    PIP_CONSTRAINT=lowest.txt PIP_BUILD_CONSTRAINT=lowest.txt python -m pip install -e ".[test]"
    python3 .ci/lowest_constraints.py --python     # the oldest Python supported: 3.10

Covers the runtime dependencies, every optional extra and the build system's requirements
(PIP_BUILD_CONSTRAINT for recent pip, PIP_CONSTRAINT for older pip, reach the isolated build
environment), so CI can test the oldest versions a user may have, not only the newest.
Each requirement must state one lower bound (``>=X``, ``~=X`` or ``==X``); one that does
not is an error, since "any version" cannot be tested. Dependencies of dependencies are
left to the resolver.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterable

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli there
    import tomli as tomllib

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def requirements(pyproject: dict[str, Any]) -> list[Requirement]:
    project = pyproject["project"]
    texts: list[str] = [*project.get("dependencies", []), *pyproject["build-system"]["requires"]]
    for extra in project.get("optional-dependencies", {}).values():
        texts += extra
    return [Requirement(text) for text in texts]


def lower_bound(requirement: Requirement) -> str:
    bounds = [spec.version for spec in requirement.specifier if spec.operator in (">=", "==", "~=")]
    if len(bounds) != 1:
        raise ValueError(f"{requirement}: state exactly one lower bound (>=X) so the oldest version can be tested")
    return bounds[0]


def constraints(reqs: Iterable[Requirement]) -> list[str]:
    pins: dict[str, str] = {}
    for requirement in reqs:
        line = f"{requirement.name}=={lower_bound(requirement)}"
        if requirement.marker is not None:
            line += f"; {requirement.marker}"
        if pins.setdefault(requirement.name.lower(), line) != line:
            raise ValueError(f"{requirement.name} has two different lower bounds")
    return sorted(pins.values(), key=str.lower)


def oldest_python(pyproject: dict[str, Any]) -> str:
    return lower_bound(Requirement(f"python{pyproject['project']['requires-python']}"))


def main(argv: list[str]) -> int:
    pyproject = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    try:
        lines = [oldest_python(pyproject)] if argv == ["--python"] else constraints(requirements(pyproject))
    except ValueError as error:
        print(f"{PYPROJECT}: error: {error}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
