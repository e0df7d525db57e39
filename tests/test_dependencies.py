"""In CI a test skipped for a missing dependency fails (tests/dependencies.py); elsewhere it skips."""

from __future__ import annotations

import ast

import pytest

from conftest import REPO
from tests import dependencies

pytest_plugins = ["pytester"]

FILES = {
    "test_absent_module.py": """
import pytest
def test_default_reason():
    pytest.importorskip("isollm_no_such_module")
def test_own_reason():
    pytest.importorskip("isollm_no_such_module", reason="the optional backend")
def test_too_old():
    pytest.importorskip("pytest", minversion="999")
""",
    "test_absent_module_at_import.py": """
import pytest
pytest.importorskip("isollm_no_such_module")
def test_never_collected():
    pass
""",
    "test_absent_program.py": """
from tests import dependencies
@dependencies.program("isollm-no-such-program")
def test_needs_a_program():
    pass
""",
    "test_other_skips.py": """
import pytest
def test_ordinary_skip():
    pytest.skip("root reads files whatever their mode")
@pytest.mark.xfail(reason="known", strict=True)
def test_expected_failure():
    assert False
def test_runs():
    pass
""",
}


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makepyfile(**{name[:-3]: text for name, text in FILES.items()})
    return pytester


def test_in_ci_a_missing_dependency_fails(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    result = suite.runpytest_subprocess("-p", "tests.dependencies", "-p", "no:cacheprovider", "-rA")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # The module skipped at import stays a skip (failing it would stop collection), but is
    # listed and fails the run; everything else still ran.
    result.assert_outcomes(passed=1, failed=3, errors=1, skipped=2, xfailed=1)
    listed = result.stdout.str().split("skipped for a missing dependency (a failure in CI)", 1)[1]
    listed = listed.split("short test summary info", 1)[0]
    for line in ["test_absent_module.py::test_default_reason: could not import 'isollm_no_such_module'",
                 "test_absent_module.py::test_own_reason: the optional backend",
                 "test_absent_module.py::test_too_old: module 'pytest' has __version__ ",
                 "test_absent_module_at_import.py: could not import 'isollm_no_such_module'",
                 "test_absent_program.py::test_needs_a_program: missing dependency: isollm-no-such-program"]:
        assert line in listed
    assert "test_ordinary_skip" not in listed and "test_expected_failure" not in listed
    # The failure says why (in the report's body: pytest 8.0's summary line omits it).
    assert "skipped for a missing dependency (missing dependency: isollm-no-such-program not on PATH)" \
        in result.stdout.str()


def test_in_ci_a_collection_skip_alone_fails_the_run(suite: pytest.Pytester,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    result = suite.runpytest_subprocess("-p", "tests.dependencies", "-p", "no:cacheprovider",
                                        "test_absent_module_at_import.py")
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # not 5, "no tests collected"
    result.assert_outcomes(skipped=1)


def test_elsewhere_a_missing_dependency_skips(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    result = suite.runpytest_subprocess("-p", "tests.dependencies", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, skipped=6, xfailed=1)
    assert "a failure in CI" not in result.stdout.str()


@pytest.mark.parametrize(("value", "ci"), [(None, False), ("", False), ("false", False), ("0", False),
                                           ("no", False), ("true", True), ("1", True), ("True", True)])
def test_what_counts_as_ci(monkeypatch: pytest.MonkeyPatch, value: str | None, ci: bool) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert dependencies.in_ci() is ci


def test_this_suite_enforces_it(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.has_plugin("tests.dependencies")


def _skipif_on_which(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "skipif"
                and any(isinstance(inner, ast.Call) and getattr(inner.func, "attr", getattr(inner.func, "id", ""))
                        == "which" for arg in node.args for inner in ast.walk(arg))):
            lines.append(node.lineno)
    return lines


def test_programs_are_required_through_dependencies_program() -> None:
    # A hand-written skipif(shutil.which(...) is None) would be a skip CI cannot see as missing.
    assert _skipif_on_which(ast.parse("pytest.mark.skipif(shutil.which('node') is None, reason='x')")) == [1]
    offenders = {path.name: found for path in sorted((REPO / "tests").rglob("*.py"))
                 if "node_modules" not in path.parts
                 and (found := _skipif_on_which(ast.parse(path.read_text(encoding="utf-8"))))}
    assert offenders == {}
