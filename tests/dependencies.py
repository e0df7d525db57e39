"""A test skipped for a missing dependency is a missing test: in CI it fails.

On a developer's machine a test that needs something absent (node for the editor tests,
pexpect for the terminal ones) is skipped, so the rest of the suite still runs. In CI
(``CI`` set, as every CI service does) the test extra and the tools are installed on
purpose, so such a skip means a test silently did not run: it is reported as a failure.

A skip counts as a missing dependency when

- it comes from ``pytest.importorskip`` (its default reason, or raised from inside it);
- its reason starts with ``MISSING``, as the marks made by ``program()`` do.

Loaded by ``tests/conftest.py`` (``pytest_plugins``); use ``program()`` rather than a
hand-written ``skipif(shutil.which(...) is None)`` so the skip is recognised
(``tests/test_dependencies.py`` checks that no test module does otherwise).
"""

from __future__ import annotations

import os
import re
import shutil
from typing import Any, Generator

import pytest

MISSING = "missing dependency: "
# pytest.importorskip's own reasons: the module is absent, or older than minversion.
_IMPORTORSKIP = re.compile(r"could not import |module '[^']*' has __version__ ")
# What this session skipped for a missing dependency (nodeid: reason), when in CI.
_found: list[str] = []


def program(*names: str) -> pytest.MarkDecorator:
    """Skip unless every program in ``names`` is on PATH (a failure in CI)."""
    absent = [name for name in names if shutil.which(name) is None]
    return pytest.mark.skipif(bool(absent), reason=f"{MISSING}{', '.join(absent)} not on PATH")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_reason(report: pytest.CollectReport | pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, "Skipped: reason")
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def is_missing_dependency(reason: str, excinfo: pytest.ExceptionInfo[BaseException] | None = None) -> bool:
    if reason.startswith(MISSING) or _IMPORTORSKIP.match(reason):
        return True
    # importorskip with a reason of its own: recognised by where the skip was raised.
    return excinfo is not None and any(entry.name == "importorskip" for entry in excinfo.traceback)


def _explain(reason: str) -> str:
    return (f"skipped for a missing dependency ({reason}), and CI must run every test: "
            f"install it (the `test` extra of pyproject.toml, or the program CI provides)")


def pytest_configure(config: pytest.Config) -> None:
    _found.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report: pytest.TestReport = yield
    if report.skipped and not hasattr(report, "wasxfail") and in_ci():
        reason = skip_reason(report)
        if is_missing_dependency(reason, call.excinfo):
            _found.append(f"{item.nodeid}: {reason}")
            report.outcome = "failed"
            report.longrepr = _explain(reason)
    return report


def pytest_collectreport(report: pytest.CollectReport) -> None:
    # A module-level importorskip skips the whole file at collection. Failing the collect
    # report would interrupt the run; record it and fail the session at the end instead.
    if report.skipped and in_ci():
        reason = skip_reason(report)
        if is_missing_dependency(reason):
            _found.append(f"{report.nodeid}: {reason}")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if _found:
        terminalreporter.section("skipped for a missing dependency (a failure in CI)", red=True)
        for line in _found:
            terminalreporter.line(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Tests were turned into failures already; a skipped module was only recorded.
    if _found and session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
