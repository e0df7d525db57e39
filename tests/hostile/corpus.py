"""The hostile-input corpus: build each case in a directory, run it under limits.

``cases.yaml`` is the table (input, why, expected outcome). Small inputs live in
``files/``; big or binary ones are generated here, into a temporary directory,
never committed. ``run_case`` runs the real ``isollm-validate`` hook (or the
``isollm`` CLI) in a child process of its own with an address-space limit, a CPU
limit and a wall-clock timeout, and measures its peak memory (tests/hostile/limited.py).
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from tests import inprocess
from tests.hostile import limited

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FILES = HERE / "files"
CASES_FILE = HERE / "cases.yaml"

MEMORY_LIMIT = 512 * 1024 * 1024
TIMEOUT = float(os.environ.get("ISOLLM_HOSTILE_TIMEOUT", "10"))
# PATH:LINE:COL: error: MESSAGE, PATH: error: MESSAGE when there is no place, or
# error: MESSAGE when there is no file at all.
DIAGNOSTIC = re.compile(r"^(?:(?P<path>.+?)(?::(?P<line>\d+)(?::(?P<column>\d+))?)?: )?(?P<kind>error|warning): "
                        r"(?P<message>.+)$")

VALID = "project: hostile-test\n"


# --- generators: each writes the config at ``path`` ----------------------------

def _write(path: Path, data: bytes | str) -> None:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def billion_laughs(path: Path) -> None:
    """The classic: 9 levels of 10 aliases each would expand to 10^9 strings."""
    lines = ['a0: &a0 "lol"']
    for level in range(1, 10):
        refs = ", ".join(f"*a{level - 1}" for _ in range(10))
        lines.append(f"a{level}: &a{level} [{refs}]")
    _write(path, "project: bomb\n" + "\n".join(lines) + "\n")


def alias_long_string(path: Path) -> None:
    """Few aliases, each a 100 KB string: cheap to write, huge once expanded into messages."""
    refs = ", ".join("*big" for _ in range(100))
    _write(path, f"project: bomb\nsetup_script: &big {'x' * 100_000}\nports: [{refs}]\n")


def deep_lists(path: Path) -> None:
    _write(path, "[" * 100_000 + "]" * 100_000 + "\n")


def deep_mappings(path: Path) -> None:
    _write(path, "{a: " * 100_000 + "1" + "}" * 100_000 + "\n")


def deep_block(path: Path) -> None:
    """Block-style nesting, 10^5 levels: ``- - - - ... x``."""
    _write(path, "project: deep\nports:\n  " + "- " * 100_000 + "x\n")


def twenty_megabytes(path: Path) -> None:
    with open(path, "wb") as handle:
        handle.write(VALID.encode())
        chunk = ("# " + "padding " * 127 + "\n").encode()
        for _ in range(20 * 1024 * 1024 // len(chunk) + 1):
            handle.write(chunk)


def random_binary(path: Path) -> None:
    _write(path, bytes(range(256)) * 64)


def long_line(path: Path) -> None:
    """A 900 KB value on one line (under the 1 MiB size limit): read normally."""
    _write(path, f"project: long-line\nclaude:\n  args: ['{'x' * 900_000}']\n")


def megabyte_key(path: Path) -> None:
    _write(path, "project: long-key\n" + "k" * 1_000_000 + ": 1\n")


def many_bad_values(path: Path) -> None:
    _write(path, "project: many\nports:\n" + "".join(f"  - bad{i}\n" for i in range(5_000)))


def huge_integer(path: Path) -> None:
    _write(path, "project: huge\nworkers: " + "9" * 10_000 + "\n")


# --- set-ups: files that are not plain files -----------------------------------

def symlink(path: Path) -> None:
    target = path.parent / "real-config.yaml"
    _write(target, VALID)
    path.symlink_to(target.name)


def dangling_symlink(path: Path) -> None:
    path.symlink_to("does-not-exist.yaml")


def symlink_loop(path: Path) -> None:
    path.symlink_to(path.name)


def unreadable(path: Path) -> None:
    _write(path, VALID)
    path.chmod(0)


def directory(path: Path) -> None:
    path.mkdir()


def fifo(path: Path) -> None:
    os.mkfifo(path)


def device(path: Path) -> None:
    path.symlink_to("/dev/zero")


GENERATORS: dict[str, Callable[[Path], None]] = {
    f.__name__: f for f in (billion_laughs, alias_long_string, deep_lists, deep_mappings, deep_block,
                            twenty_megabytes, random_binary, long_line, megabyte_key, many_bad_values,
                            huge_integer, symlink, dangling_symlink, symlink_loop, unreadable, directory,
                            fifo, device)
}


# --- the table ----------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    id: str
    why: str
    group: str
    source: dict[str, str]
    expect: dict[str, Any]

    @property
    def needs_non_root(self) -> bool:
        return bool(self.expect.get("needs_non_root"))


def load_cases() -> list[Case]:
    with open(CASES_FILE, encoding="utf-8") as handle:
        table = yaml.safe_load(handle)
    return [Case(c["id"], c["why"], c["group"], c["input"], c["expect"]) for c in table["cases"]]


def build(case: Case, directory: Path) -> Path:
    """Create the case's config as ``directory/isollm.yaml``; return its path."""
    path = directory / "isollm.yaml"
    if "file" in case.source:
        shutil.copyfile(FILES / case.source["file"], path)
    else:
        GENERATORS[case.source["generate"]](path)
    return path


# --- running under limits -----------------------------------------------------

@dataclass
class Run:
    status: int | None  # None: killed by the timeout
    stdout: str
    stderr: str
    seconds: float
    peak_kib: int
    diagnostics: list[dict[str, str | None]] = field(default_factory=list)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


_server: limited.Server | None = None


def run_limited(entry: str, args: list[str], cwd: Path, timeout: float = TIMEOUT) -> Run:
    """Run ``entry``'s ``main(args)`` from ``cwd`` under the limits: status, output, time and peak memory.

    Each call is a child process of its own (tests/hostile/limited.py), forked from one server
    that has the package imported: the limits and the timeout hold for the call alone.
    """
    global _server
    if _server is None:
        _server = limited.Server(_env(), REPO)
        atexit.register(_server.close)
    cpu = int(timeout) + 5
    reply = _server.call(entry, args, cwd, timeout, (MEMORY_LIMIT, cpu))
    stderr = reply["stderr"]
    diagnostics = [m.groupdict() for m in map(DIAGNOSTIC.match, stderr.splitlines()) if m]
    return Run(reply["status"], reply["stdout"], stderr, reply["seconds"], reply["peak_kib"], diagnostics)


LAUNCH, HOOK = inprocess.LAUNCH, inprocess.HOOK
ENTRIES = {
    "hook": (HOOK, ["isollm.yaml"]),
    "cli": (LAUNCH, ["validate", "isollm.yaml"]),
    # Prints whatever it can read (exit 0 even when invalid); exit 1 only when unreadable.
    "config-show": (LAUNCH, ["config", "show", "--format", "json"]),
}


def run_case(case: Case, directory: Path, entry: str = "hook") -> Run:
    build(case, directory)
    return run_limited(*ENTRIES[entry], directory)


def readable(case: Case, directory: Path) -> bool:
    """Whether the case's file can be read as a config at all (valid or not)."""
    from isollm.config import load_file
    from isollm.errors import ConfigError

    try:
        load_file(build(case, directory))
    except ConfigError:
        return False
    return True


def problems(case: Case, run: Run, entry: str = "hook", is_readable: bool = True) -> list[str]:
    """What is wrong with ``run`` against the case's expectation (empty: as expected)."""
    expect = dict(case.expect)
    found: list[str] = []
    if entry == "config-show":
        expect = {"exit": 1 if not is_readable else 0}  # its own messages; only the status is fixed
        if run.status == 0:
            try:
                json.loads(run.stdout)
            except ValueError:
                found.append("stdout is not one JSON document")
    if run.status is None:
        return [f"did not finish within {TIMEOUT:g} s"]
    if "Traceback" in run.stderr:
        found.append("printed a traceback")
    if run.status != expect["exit"]:
        found.append(f"exit status {run.status}, expected {expect['exit']}")
    lines = run.stderr.splitlines()
    if len(run.diagnostics) != len(lines):
        found.append("a stderr line is not a PATH[:LINE:COL]: error: MESSAGE diagnostic")
    errors = [d for d in run.diagnostics if d["kind"] == "error"]
    if expect["exit"] == 0 and errors and entry != "config-show":
        found.append(f"unexpected error: {errors[0]['message']}")
    if "errors" in expect and len(errors) != expect["errors"]:
        found.append(f"{len(errors)} error lines, expected {expect['errors']}")
    if "not_listed" in expect and entry != "config-show":
        last = errors[-1]["message"] if errors else ""
        if not last.startswith(f"... and {expect['not_listed']} more problems"):
            found.append(f"last line {last!r} does not say {expect['not_listed']} more problems")
    if expect["exit"] != 0 and errors:
        first = errors[0]
        if "message" in expect and expect["message"] not in (first["message"] or ""):
            found.append(f"message {first['message']!r} lacks {expect['message']!r}")
        if "line" in expect:
            line = int(first["line"]) if first["line"] else None
            if line != expect["line"]:
                found.append(f"reported line {line}, expected {expect['line']}")
        if any(len(d["message"] or "") > 600 for d in errors):
            found.append("a message longer than 600 characters")
    return found


# --- numbers in every notation (generated: thousands of digits) ----------------------

def huge_hex_integer(path: Path) -> None:
    _write(path, "project: huge\nworkers: 0x" + "f" * 5_000 + "\n")


def huge_octal_integer(path: Path) -> None:
    _write(path, "project: huge\nworkers: 0o" + "7" * 6_000 + "\n")


def huge_hex_key(path: Path) -> None:
    _write(path, "project: huge\n? 0x" + "f" * 5_000 + "\n: 1\n")  # explicit: implicit keys stop at 1024


def float_tag_beyond_double(path: Path) -> None:
    _write(path, "project: huge\nworkers: !!float 1" + "0" * 400 + "\n")


def float_tag_beyond_double_key(path: Path) -> None:
    _write(path, "project: huge\n!!float 1" + "0" * 400 + ": 1\n")


GENERATORS.update((f.__name__, f) for f in (huge_hex_integer, huge_octal_integer, huge_hex_key,
                                            float_tag_beyond_double, float_tag_beyond_double_key))
