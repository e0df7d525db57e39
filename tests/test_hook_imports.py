"""The hook's start-up is what a commit pays: on a valid file it must not import
jsonschema (~75 ms) or Fire (~60 ms); on an invalid one jsonschema explains once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# One pytest-xdist worker runs the whole file, so its module-scoped fixtures run once.
pytestmark = pytest.mark.xdist_group("hook_imports")

EXAMPLES = Path(__file__).resolve().parent / "examples"
VALID = "project: demo\nworkers: 3\nports: ['3000', '8080:80']\n"


def _imported(stderr: str) -> set[str]:
    """Modules named by ``python -X importtime``, and their top-level packages."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            names |= {name, name.split(".")[0]}
    return names


@pytest.fixture(scope="module")
def valid_file_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, set[str]]:
    """One hook process on a valid file, under -X importtime: (status, stderr, top-level packages)."""
    from conftest import ENTRIES, _process_runner

    directory = tmp_path_factory.mktemp("valid")
    (directory / "isollm.yaml").write_text(VALID)
    result = _process_runner(ENTRIES["hook"][0])("isollm.yaml", cwd=directory, env={"PYTHONPROFILEIMPORTTIME": "1"})
    return result.returncode, result.stderr, _imported(result.stderr)


@pytest.mark.parametrize("heavy", ["jsonschema", "fire", "asyncio"])
def test_valid_file_imports_no_heavy_module(valid_file_run: tuple[int, str, set[str]], heavy: str) -> None:
    status, stderr, imported = valid_file_run
    assert status == 0, stderr
    assert "isollm" in imported  # the probe works
    assert heavy not in imported


def test_invalid_files_import_jsonschema_to_explain_and_never_fire(hook_process, tmp_path: Path) -> None:
    for index in range(3):
        (tmp_path / f"c{index}.yaml").write_text(VALID.replace("workers: 3", f"workers: {40 + index}"))
    result = hook_process("c0.yaml", "c1.yaml", "c2.yaml", cwd=tmp_path, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 1
    assert "jsonschema" in _imported(result.stderr)
    assert "fire" not in _imported(result.stderr)
    located = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [line.split(":")[0] for line in located] == ["c0.yaml", "c1.yaml", "c2.yaml"]
    assert all(line.split(":")[1].isdigit() for line in located)


def _clean_interpreter_imports(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    """Modules the hook imports in an interpreter without site start-up hooks (``-S``).

    A site ``.pth`` file (some machines have one that imports certifi) can load
    pathlib and others before the hook runs, hiding what the hook itself costs.
    """
    import os
    import site
    import subprocess
    import sys

    repo = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join([str(repo), *site.getsitepackages()])
    env["PYTHONPROFILEIMPORTTIME"] = "1"
    result = subprocess.run([sys.executable, "-S", "-m", "isollm.cli.hook", *args], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    return result.returncode, _imported(result.stderr)


@pytest.fixture(scope="module")
def clean_interpreter_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, set[str]]:
    directory = tmp_path_factory.mktemp("clean")
    (directory / "isollm.yaml").write_text(VALID + "airyra:\n  host: localhost\ngit:\n  upstream: origin\n")
    return _clean_interpreter_imports(directory, "isollm.yaml")


# Each of these costs a commit a measurable part of its start-up (bench/run.py --clean), and
# none is needed for a valid file.
@pytest.mark.parametrize("module", ["pathlib", "ipaddress", "calendar", "tempfile", "jsonschema", "fire", "asyncio",
                                    "argparse", "dataclasses", "inspect", "difflib", "isollm.config"])
def test_valid_file_in_a_clean_interpreter_imports_only_what_it_needs(clean_interpreter_run: tuple[int, set[str]],
                                                                       module: str) -> None:
    status, imported = clean_interpreter_run  # one run, checked for each module
    assert status == 0
    assert {"isollm", "yaml"} <= imported
    assert module not in imported


def test_value_classes_compare_hash_and_print_by_their_fields() -> None:
    """What callers rely on from Issue & co. (NamedTuples): equality, hashing, repr, immutability."""
    from isollm.errors import Issue
    from isollm.check import Checked
    from isollm.io.yamlio import Document, DuplicateKey

    issue = Issue("m", "/p", 1, 2, "k")
    assert issue == Issue(message="m", pointer="/p", line=1, column=2, keyword="k")
    assert issue != Issue("m") and issue != ("m", "/p", 1, 2, "k")
    assert hash(issue) == hash(Issue("m", "/p", 1, 2, "k")) and len({issue, Issue("m", "/p", 1, 2, "k")}) == 1
    assert repr(issue) == "Issue(message='m', pointer='/p', line=1, column=2, keyword='k', path='', severity='error')"
    assert issue != Issue("m", "/p", 1, 2, "k", path="f") and issue != Issue("m", "/p", 1, 2, "k", severity="warning")
    with pytest.raises(AttributeError):
        issue.message = "x"  # type: ignore[misc]
    assert repr(Issue("m")) == (
        "Issue(message='m', pointer='', line=None, column=None, keyword='', path='', severity='error')")
    assert Issue("a\nb").message == "a\\nb"  # made one printable line as it is built
    assert DuplicateKey("/a", "a", 2, 1, 1) == DuplicateKey("/a", "a", 2, 1, 1)
    assert Document(1) == Document(1, {}, {}, [])
    assert not hasattr(Document(1).values, "__setitem__")  # empty defaults are read-only, so shared safely
    with pytest.raises(AttributeError):
        Document(1).data = 2  # type: ignore[misc]
    report = Checked("p", [], [])
    assert report.valid and report == Checked("p", [], [])
    with pytest.raises(TypeError):
        hash(report)  # mutable, so unhashable


@pytest.mark.parametrize("copy", ["current", "stale"])
def test_keeping_the_editor_schema_copy_costs_the_hook_no_import(tmp_path: Path, copy: str) -> None:
    """A config `isollm init` wrote names .isollm/isollm.schema.json; the hook compares bytes,
    and rewrites the copy with os calls alone."""
    from isollm.config import SCHEMA_COPY
    from isollm.schema.loader import schema_bytes

    (tmp_path / "isollm.yaml").write_text(f"# yaml-language-server: $schema={SCHEMA_COPY}\n" + VALID)
    (tmp_path / ".isollm").mkdir()
    (tmp_path / SCHEMA_COPY).write_bytes(schema_bytes("config") if copy == "current" else b"{}")
    status, imported = _clean_interpreter_imports(tmp_path, "isollm.yaml")
    assert status == 0
    assert (tmp_path / SCHEMA_COPY).read_bytes() == schema_bytes("config")
    assert {"isollm", "yaml"} <= imported
    assert not imported & {"pathlib", "tempfile", "jsonschema", "fire", "asyncio"}


def test_running_commands_writes_nothing_but_bytecode_into_the_package(tmp_path: Path) -> None:
    """The package caches nothing of its own beside its modules: only Python's bytecode appears."""
    import os
    import shutil
    import subprocess
    import sys

    repo = Path(__file__).resolve().parent.parent
    shutil.copytree(repo / "isollm", tmp_path / "isollm", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(repo / "schemas", tmp_path / "schemas")
    before = {p.relative_to(tmp_path) for p in tmp_path.rglob("*")}
    work = tmp_path / "work"
    work.mkdir()
    (work / "isollm.yaml").write_text(VALID + "image: ubuntu:24.04\nairyra:\n  host: '[::1]'\n")
    (work / "bad.yaml").write_text(VALID.replace("workers: 3", "workers: 99"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PYTEST_") and k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env["PYTHONPATH"] = str(tmp_path)
    for args in (["isollm.yaml"], ["bad.yaml"]):
        result = subprocess.run([sys.executable, "-m", "isollm.cli.hook", *args], cwd=work, env=env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == (0 if args == ["isollm.yaml"] else 1), result.stderr
    new = {p.relative_to(tmp_path) for p in tmp_path.rglob("*")} - before
    new = {p for p in new if p.parts[0] != "work"}
    assert any(p.suffix == ".pyc" for p in new)  # the probe works: bytecode was written
    assert {p for p in new if p.name != "__pycache__" and p.suffix != ".pyc"} == set()


def test_a_caller_s_process_is_not_frozen(isollm: Any, tmp_path: Path) -> None:
    """``main(argv)`` called by a program (the tests, the API) leaves its collector alone."""
    import gc

    from isollm.cli.hook import main as hook_main

    (tmp_path / "isollm.yaml").write_text("project: demo\n")
    frozen = gc.get_freeze_count()
    assert isollm("validate", "isollm.yaml", cwd=tmp_path).returncode == 0
    assert hook_main([str(tmp_path / "isollm.yaml")]) == 0
    assert gc.get_freeze_count() == frozen and gc.isenabled()


def test_the_hook_as_the_program_spares_the_collector_its_pass_at_exit(tmp_path: Path) -> None:
    """Run as ``isollm-validate`` (its own arguments), the hook freezes what it made, its collector
    running again afterwards (bench/RESULTS.md)."""
    import os
    import subprocess
    import sys

    (tmp_path / "isollm.yaml").write_text("project: demo\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    code = "import gc, sys; from isollm.cli.hook import main; status = main(); print(gc.get_freeze_count() > 0, gc.isenabled(), status)"
    result = subprocess.run([sys.executable, "-c", code, "isollm.yaml"], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.stdout.split() == ["True", "True", "0"], result.stderr
