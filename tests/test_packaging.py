"""What we ship works on its own. The sdist holds the whole repository (LICENSE, bench/, .ci/,
tests/...) and its own tests run from it; the wheel, built from that sdist as pip would,
carries the schemas, the license and the metadata, and installed into a fresh virtual
environment and run from an unrelated directory, it validates.

Slow-ish (a build and a pip install from PyPI), so everything shares one module-scoped
build and venv; marked ``packaging`` (CI runs it; ``-m 'not packaging'`` skips it locally).
"""

from __future__ import annotations

import email.parser
import email.message
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import REPO
from isollm.schema.loader import SCHEMA_NAMES, schema_path

# One pytest-xdist worker runs the whole file, so its module-scoped fixtures run once.
pytestmark = [pytest.mark.packaging, pytest.mark.xdist_group("packaging")]

SCHEMA_FILES = sorted(path.name for path in (REPO / "schemas").glob("*.json"))
BIN = "Scripts" if os.name == "nt" else "bin"


def _run(command: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH: the installed package must not lean on this checkout.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("PYTEST_")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build``: the sdist, then the wheel built from it (not from the checkout)."""
    out = tmp_path_factory.mktemp("dist")
    result = _run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)], cwd=out)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    (built,) = dist.glob("isollm_toolkit-*.whl")
    return built


@pytest.fixture(scope="module")
def sdist(dist: Path) -> Path:
    (built,) = dist.glob("isollm_toolkit-*.tar.gz")
    return built


@pytest.fixture(scope="module")
def unpacked(sdist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sdist")
    with tarfile.open(sdist) as archive:
        archive.extractall(out, filter="data")
    (root,) = out.iterdir()
    return root


def _sdist_files(sdist: Path) -> set[str]:
    with tarfile.open(sdist) as archive:
        return {name.split("/", 1)[1] for name in archive.getnames() if "/" in name and
                archive.getmember(name).isfile()}


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    root = tmp_path_factory.mktemp("venv")
    # Without a pip of its own (bootstrapping one takes seconds): this pip installs into it.
    assert _run([sys.executable, "-m", "venv", "--without-pip", str(root)], cwd=root).returncode == 0
    result = _run([sys.executable, "-m", "pip", "--python", str(root / BIN / "python"), "install", "--quiet",
                   str(wheel)], cwd=root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root / BIN


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """An unrelated directory holding one valid and one invalid config."""
    (tmp_path / "isollm.yaml").write_text("project: demo\nworkers: 2\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("project: demo\nworkers: 99\n", encoding="utf-8")
    return tmp_path


def test_the_wheel_carries_every_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"isollm/schemas/{name}" for name in SCHEMA_FILES} <= names
    assert "isollm/py.typed" in names


def test_the_sdist_holds_every_file_of_the_repository(sdist: Path) -> None:
    """Its own tests read bench/, docs/, .ci/...: whatever git tracks, the sdist must hold."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout (an unpacked sdist): no list of tracked files to compare with")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True)
    files = _sdist_files(sdist)
    assert {name for name in tracked.stdout.split("\0") if name} - files == set()
    assert {"LICENSE", "bench/run.py", ".ci/run", "tests/conftest.py", "tests/editor/package.json",
            "tests/editor/package-lock.json", "PKG-INFO"} <= files
    assert not [name for name in files if re.search(r"(^|/)(node_modules|__pycache__|\.pytest_cache)/", name)]


def test_the_sdists_own_tests_pass_from_it(unpacked: Path) -> None:
    """Unpacked and on its own (no checkout on the path), the sdist collects its whole suite and
    passes the tests that read the repository beyond the package: bench/, docs/, schemastore/."""
    # -n0: one process each, rather than the two workers pyproject.toml asks for (they would only add start-up).
    # Collecting runs no assertion, so none needs rewriting (--assert=plain: half the collection's time).
    collect = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n0", "--assert=plain",
                    "--collect-only"], cwd=unpacked)
    assert collect.returncode == 0, collect.stdout[-3000:] + collect.stderr[-3000:]
    run = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n0", "tests/test_bench_smoke.py",
                "tests/test_docs.py", "tests/test_schema_ids.py"], cwd=unpacked)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert " passed" in run.stdout.splitlines()[-1]


def test_the_wheel_carries_the_license(wheel: Path) -> None:
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    with zipfile.ZipFile(wheel) as archive:
        (license,) = [n for n in archive.namelist() if re.search(r"\.dist-info/licen[cs]es?/LICENSE$", n)]
        assert archive.read(license) == (REPO / "LICENSE").read_bytes()


def test_the_metadata_names_license_urls_classifiers_and_keywords(wheel: Path) -> None:
    metadata = _metadata(wheel)
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    urls = dict(value.split(", ", 1) for value in metadata.get_all("Project-URL", []))
    # The repository the README sends pre-commit users to.
    readme_repo = re.search(r"- repo: (https://github\.com/isollm/\S+)", (REPO / "README.md").read_text("utf-8"))
    assert readme_repo is not None
    assert urls["Source"] == urls["Homepage"] == readme_repo[1]
    assert urls["Issues"] == f"{readme_repo[1]}/issues"
    classifiers = metadata.get_all("Classifier", [])
    lowest = metadata["Requires-Python"].removeprefix(">=")
    assert f"Programming Language :: Python :: {lowest}" in classifiers
    assert "Typing :: Typed" in classifiers  # isollm/py.typed ships in the wheel
    assert not [c for c in classifiers if c.startswith("License ::")]  # License-Expression says it (PEP 639)
    assert "json-schema" in metadata["Keywords"].split(",")


def test_the_installed_package_finds_its_schemas(venv: Path, elsewhere: Path) -> None:
    script = ("from isollm.schema.loader import SCHEMA_NAMES, schema_path, load_schema\n"
              "for name in SCHEMA_NAMES:\n"
              "    if schema_path(name).exists():\n"
              "        print(schema_path(name), load_schema(name)['$id'])\n")
    result = _run([str(venv / "python"), "-c", script], cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    present = [name for name in SCHEMA_NAMES if schema_path(name).exists()]
    assert len(lines) == len(present) >= 1
    for line in lines:
        path = Path(line.split()[0])
        assert path.is_relative_to(venv.parent) and path.is_file()  # the installed copy, not the checkout


@pytest.mark.parametrize("command", [["isollm", "validate"], ["python", "-m", "isollm", "validate"], ["isollm-validate"]],
                         ids=["isollm", "python-m-isollm", "isollm-validate"])
def test_validate_from_an_unrelated_directory(venv: Path, elsewhere: Path, command: list[str]) -> None:
    program = [str(venv / command[0]), *command[1:]]
    valid = _run([*program, "isollm.yaml"], cwd=elsewhere)
    assert valid.returncode == 0, valid.stderr
    invalid = _run([*program, "bad.yaml"], cwd=elsewhere)
    assert invalid.returncode == 1
    assert "bad.yaml:2:10: error: workers cannot exceed 20" in invalid.stderr


def test_validate_finds_the_project_config_by_itself(venv: Path, elsewhere: Path) -> None:
    (elsewhere / "sub").mkdir()
    result = _run([str(venv / "isollm"), "validate"], cwd=elsewhere / "sub")
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_python_m_isollm_runs(venv: Path, elsewhere: Path) -> None:
    result = _run([str(venv / "python"), "-m", "isollm", "--help"], cwd=elsewhere)
    assert result.returncode == 0
    assert "isollm" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_isollm_schema_path_points_into_the_installed_package(venv: Path, elsewhere: Path) -> None:
    result = _run([str(venv / "isollm"), "schema", "--path"], cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.is_file() and path.is_relative_to(venv.parent)
    assert path.name == "isollm.schema.json"


def test_the_readme_first_command_works_in_an_empty_directory(venv: Path, tmp_path: Path) -> None:
    """The README's first set-up line, after its install step, with the venv's scripts first on PATH."""
    first_line = (REPO / "README.md").read_text(encoding="utf-8").split("```sh\n", 1)[1].splitlines()[0]
    install, rest = first_line.split(" && python3 -m pip install . && ", 1)
    assert install == "python3 -m venv .venv && . .venv/bin/activate"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv}{os.pathsep}{env['PATH']}"
    result = subprocess.run(["bash", "-c", f"set -e; {rest}; pwd"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "isollm.yaml: valid" in result.stdout
    # The project was made in a temporary directory, and the shell is still where it was.
    assert Path(result.stdout.splitlines()[-1]) == tmp_path and not (tmp_path / "isollm.yaml").exists()
