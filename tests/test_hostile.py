"""The hostile-input corpus (tests/hostile/cases.yaml) through the hook, the CLI and the API.

Each case runs in a child process of its own under a 512 MiB address-space
limit and a timeout (forked from one server, tests/hostile/limited.py); it must
end with the expected status, no traceback and one-line located diagnostics.
"""

from __future__ import annotations

import errno
import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from isollm.config import load_file
from isollm.errors import ConfigError, LeftOut
from tests.hostile import corpus

CASES = corpus.load_cases()
_is_root = hasattr(os, "geteuid") and os.geteuid() == 0


def _skip_as_root(case: corpus.Case) -> None:
    if case.needs_non_root and _is_root:
        pytest.skip("root reads files whatever their mode (covered in-process below)")


@pytest.mark.parametrize("entry", list(corpus.ENTRIES))
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_in_a_limited_subprocess(case: corpus.Case, entry: str, tmp_path: Path) -> None:
    _skip_as_root(case)
    (tmp_path / "probe").mkdir()
    (tmp_path / "run").mkdir()
    is_readable = corpus.readable(case, tmp_path / "probe") if entry == "config-show" else True
    run = corpus.run_case(case, tmp_path / "run", entry)
    found = corpus.problems(case, run, entry, is_readable)
    assert not found, (found, run.stderr[-2000:])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_as_json_is_one_valid_document(case: corpus.Case, tmp_path: Path) -> None:
    _skip_as_root(case)
    corpus.build(case, tmp_path)
    run = corpus.run_limited(corpus.HOOK, ["--format", "json", "isollm.yaml"], tmp_path)
    assert run.status == case.expect["exit"], run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    document = json.loads(run.stdout)  # lone surrogates come out as \\udXXX escapes: still JSON
    assert document["valid"] is (case.expect["exit"] == 0)
    errors = document["files"][0]["errors"]
    not_listed = case.expect.get("not_listed", 0)
    assert document["files"][0]["errors_not_listed"] == not_listed
    if "errors" in case.expect:  # the text's last line stands for those not listed
        assert len(errors) == case.expect["errors"] - (1 if not_listed else 0)
    if "line" in case.expect and errors:
        assert errors[0]["line"] == case.expect["line"]


PROBE = "tests.hostile.probe"


@pytest.mark.parametrize(("args", "timeout", "status", "stdout", "in_stderr"), [
    (["print", "é"], 10, 3, "é\n", "é\n"),
    (["allocate", str(corpus.MEMORY_LIMIT // 2**20)], 10, 1, "", "MemoryError"),
    (["sleep", "60"], 0.5, None, "", ""),
    (["signal", str(int(signal.SIGSEGV))], 10, -signal.SIGSEGV, "", ""),
    (["raise", "boom"], 10, 1, "", "ValueError: boom"),
], ids=["output", "memory-limit", "timeout", "crash", "uncaught-exception"])
def test_each_limited_run_is_a_process_of_its_own(tmp_path: Path, args: list[str], timeout: float,
                                                  status: int | None, stdout: str, in_stderr: str) -> None:
    """The corpus's runs share one server: a limit, a hang or a crash still ends that run alone."""
    run = corpus.run_limited(PROBE, args, tmp_path, timeout=timeout)
    assert (run.status, run.stdout) == (status, stdout), run.stderr[-2000:]
    assert in_stderr in run.stderr
    assert run.seconds < timeout + 5
    assert corpus.run_limited(PROBE, ["print", "next"], tmp_path).status == 3  # the server lives on


def test_a_limited_run_measures_its_own_peak_memory(tmp_path: Path) -> None:
    small, big = (corpus.run_limited(PROBE, ["allocate", size], tmp_path) for size in ("1", "200"))
    assert small.status == big.status == 0
    assert 190 * 1024 < big.peak_kib - small.peak_kib < 260 * 1024, (small.peak_kib, big.peak_kib)
    assert small.peak_kib < 150 * 1024  # not the test process's memory: a server that imported little


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_through_the_api(case: corpus.Case, tmp_path: Path) -> None:
    _skip_as_root(case)
    path = corpus.build(case, tmp_path)
    try:
        config = load_file(path)
    except ConfigError as error:
        assert case.expect["exit"] == 1
        assert case.expect.get("message", "") in error.message
        assert error.line == case.expect.get("line", error.line)
        return
    issues = config.issues()
    assert bool(issues) == (case.expect["exit"] == 1), issues[:3]
    if issues:
        assert case.expect.get("message", "") in issues[0].message
        assert all(issue.line is not None for issue in issues if not isinstance(issue, LeftOut))


def test_yaml_1_1_surprises_are_read_as_a_person_means() -> None:
    config = load_file(corpus.FILES / "yaml11_read_as_meant.yaml")
    assert config.project == "yes"
    # Not 29007280 and 90 (base 60): what the person typed, as text.
    assert config.ports == ["8080:80", "1:30"]
    assert config.workers == 15
    assert config.claude.args == ["on", "off", "no", "~foo", "2024-01-01"]
    # Ports are text as written, checked as Go's Atoi reads them: never 493, 15, 31 or 1000.
    assert load_file(corpus.FILES / "ports_not_decimal.yaml").ports == ["0755", "0o17", "0x1F", "1e3"]
    # 010: YAML 1.2 reads ten, the Go isollm eight; the number is kept and refused by name.
    octal = load_file(corpus.FILES / "yaml11_octal_workers.yaml")
    assert octal.workers == 10 and [i.keyword for i in octal.issues()] == ["leadingZero"]


def test_unreadable_config_is_reported_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root ignores mode 000, so the refusal is injected where the file is opened.
    path = tmp_path / "isollm.yaml"
    path.write_text(corpus.VALID)
    real_open = os.open

    def refuse(name: str | os.PathLike[str], *args: int, **kwargs: int) -> int:
        if os.fspath(name) == os.fspath(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(name))
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(ConfigError, match="permission denied") as caught:
        load_file(path)
    assert caught.value.line is None


def test_the_table_covers_every_input() -> None:
    used = {c.source.get("file") or c.source.get("generate") for c in CASES}
    available = {p.name for p in corpus.FILES.iterdir()} | set(corpus.GENERATORS)
    assert used == available
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("output", ["text", "json", "github"])
def test_a_file_name_that_is_not_utf8_never_crashes_the_output(hook_process: Any, tmp_path: Path,
                                                               output: str) -> None:
    # With a strict stdout encoding, printing the name (a lone surrogate) used to raise.
    # A real process: what counts is the interpreter's own stdio, not a stand-in.
    name = os.fsdecode(b"caf\xe9-\xff.yaml")
    (tmp_path / name).write_text("project: x\n")  # too short: one error, located
    result = hook_process("--format", output, name, cwd=tmp_path, env={"PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    if output == "json":
        assert json.loads(result.stdout)["files"][0]["errors"][0]["line"] == 1
    else:
        assert "\\udce9" in result.stdout + result.stderr
