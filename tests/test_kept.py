"""Work kept between runs (``isollm.util.kept``): the parsed schemas and compiled patterns.

What is kept must give exactly what the work gives (the same pattern objects as
``re.compile``, the same dict as ``json.loads``); a missing, foreign or damaged
file must cost only the time it was meant to save; and nothing is written where
Python would write no bytecode.
"""

from __future__ import annotations

import gc
import json
import marshal
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO
from isollm.schema import loader
from isollm.schema.ecma_regex import compile_pattern, ecma_to_python
from isollm.schema.loader import SCHEMA_NAMES, load_schema
from isollm.util import kept, regex_cache
from isollm.util.regex_cache import compile_kept


def _schema_patterns() -> Iterator[str]:
    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    yield value
                elif key != "x-messages":  # templates keyed "pattern" are messages, not patterns
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)
    for name in SCHEMA_NAMES:
        yield from walk(load_schema(name))


def _module_patterns() -> list[re.Pattern[str]]:
    """The patterns our modules compile as they load (through ``compile_kept``)."""
    from isollm import config
    from isollm.io import schema_copy, yamlio
    from isollm.schema import formats

    return [value for module in (config, schema_copy, yamlio, formats) for value in vars(module).values()
            if isinstance(value, re.Pattern)]


SOURCES = sorted({*((ecma_to_python(p), 0) for p in _schema_patterns()),
                  *((p.pattern, int(p.flags & ~re.UNICODE)) for p in _module_patterns())})


def test_the_sources_cover_the_schemas_and_the_modules() -> None:
    texts = [text for text, _ in SOURCES]
    assert len(SOURCES) > 50 and any(flags == re.ASCII for _, flags in SOURCES)  # RFC3339
    assert any(text.startswith(r"^\[(?:(?:[0-9A-Fa-f]{1,4}:){7}") for text in texts)  # the IPv6 grammar


@pytest.mark.parametrize(("text", "flags"), SOURCES)
def test_the_kept_code_makes_the_pattern_re_compile_makes(text: str, flags: int) -> None:
    pattern, args = regex_cache._compile(text, flags)
    assert args is not None  # this Python's re internals are the ones the module expects
    expected = re.compile(text, flags)
    assert pattern == expected  # same text, flags and code
    assert regex_cache._sre.compile(text, *marshal.loads(marshal.dumps(args))) == expected
    assert pattern.groupindex == expected.groupindex and pattern.groups == expected.groups


def test_a_bad_pattern_fails_as_re_compile_fails() -> None:
    with pytest.raises(re.error, match="unterminated character set"):
        compile_kept("[a-")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh store (as in a new process) keeping its file in ``tmp_path``, bytecode allowed."""
    path = tmp_path / "pycache" / "kept.marshal"
    monkeypatch.setattr(kept, "kept_path", lambda: str(path))
    monkeypatch.setattr(kept, "_STORE", kept._Store())
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return path


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a later run starts with: whatever the file holds, nothing in memory."""
    monkeypatch.setattr(kept, "_STORE", kept._Store())


def _no_parsing(text: str, flags: int) -> Any:
    raise AssertionError(f"compiled again: {text!r}")


def test_patterns_compiled_once_are_built_from_the_file_later(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = [compile_kept(text, flags) for text, flags in SOURCES]
    assert not store.exists()  # written at exit, once
    kept._STORE.save()
    assert store.exists()
    _new_process(monkeypatch)
    monkeypatch.setattr(regex_cache, "_compile", _no_parsing)
    assert [compile_kept(text, flags) for text, flags in SOURCES] == first


def test_the_schemas_parsed_once_are_read_from_the_file_later(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = {name: json.loads(loader.schema_bytes(name)) for name in SCHEMA_NAMES}
    for name in SCHEMA_NAMES:
        assert _same(load_schema.__wrapped__(name), parsed[name])
    kept._STORE.save()
    _new_process(monkeypatch)
    monkeypatch.setattr(json, "loads", lambda *args, **kwargs: pytest.fail("parsed again"))
    for name in SCHEMA_NAMES:
        assert _same(load_schema.__wrapped__(name), parsed[name])


def test_a_changed_schema_file_is_parsed_again(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_schema.__wrapped__("task")
    kept._STORE.save()
    _new_process(monkeypatch)
    changed = {**json.loads(loader.schema_bytes("task")), "title": "changed"}
    monkeypatch.setattr(loader, "schema_bytes", lambda name: json.dumps(changed).encode())
    assert load_schema.__wrapped__("task")["title"] == "changed"


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (``True == 1``, ``1 == 1.0`` do not count)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b)


@pytest.mark.parametrize("content", [
    b"", b"not marshal", marshal.dumps("a string"), marshal.dumps((("another", "interpreter"), {})),
    marshal.dumps((kept._HEADER, ["not", "a", "dict"])),
])
def test_a_damaged_or_foreign_file_reads_as_empty(store: Path, monkeypatch: pytest.MonkeyPatch,
                                                   content: bytes) -> None:
    store.parent.mkdir()
    store.write_bytes(content)
    assert kept.recall(("schema", "config")) is None
    assert compile_kept("^[a-z]+$").fullmatch("abc")
    assert _same(load_schema.__wrapped__("config"), json.loads(loader.schema_bytes("config")))


@pytest.mark.parametrize("args", [
    (32, [999999], 0, {}, (None,)),  # code _sre refuses
    (32, "not code", 0, {}, (None,)),
    "not arguments",
    (32,),
])
def test_a_damaged_entry_is_compiled_afresh(store: Path, args: Any) -> None:
    text = r"^[a-z]+\Z"
    store.parent.mkdir()
    store.write_bytes(marshal.dumps((kept._HEADER, {("re", text, 0, regex_cache._ENGINE): args})))
    assert compile_kept(text) == re.compile(text)


def test_nothing_is_written_where_python_writes_no_bytecode(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    compile_kept("^[0-9]+$")
    kept._STORE.save()
    assert not store.exists() and not store.parent.exists()


def test_a_directory_that_cannot_be_written_keeps_nothing_and_says_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setattr(kept, "kept_path", lambda: str(tmp_path / "file" / "kept.marshal"))  # under a file
    monkeypatch.setattr(kept, "_STORE", kept._Store())
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    compile_kept("^[0-9]+$")
    kept._STORE.save()
    assert os.listdir(tmp_path) == ["file"] and capsys.readouterr() == ("", "")


def test_values_another_process_kept_meanwhile_are_kept_too(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept.keep("a", 1)
    kept._STORE.save()
    _new_process(monkeypatch)
    kept.keep("b", 2)  # this process never read "a"
    kept._STORE.save()
    _new_process(monkeypatch)
    assert (kept.recall("a"), kept.recall("b")) == (1, 2)


def test_a_file_grown_too_large_keeps_only_what_the_last_process_used(store: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(kept.MAX_ENTRIES):
        kept.keep(("old", index), index)
    kept._STORE.save()
    _new_process(monkeypatch)
    assert kept.recall(("old", 7)) == 7
    kept.keep("new", 1)
    kept._STORE.save()
    _new_process(monkeypatch)
    assert kept.recall(("old", 7)) == 7 and kept.recall("new") == 1 and kept.recall(("old", 8)) is None


def test_the_file_lies_beside_the_bytecode() -> None:
    path = kept.kept_path()
    if kept.__cached__ is None:  # type: ignore[attr-defined]
        assert path is None
    else:
        assert path == kept.__cached__[:-len(".pyc")] + ".marshal"  # type: ignore[attr-defined]


def _reference_translation(pattern: str) -> str:
    """What ``ecma_to_python`` did one character at a time before it used ``re`` to find the tokens."""
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append(r"\Z")
            continue
        out.append(char)
    return "".join(out)


@given(st.text(alphabet=st.sampled_from("\\[]$a^\n"), max_size=12))
def test_the_ecma_translation_reads_escapes_and_classes_as_before(pattern: str) -> None:
    assert ecma_to_python(pattern) == _reference_translation(pattern)


def test_the_schemas_patterns_translate_as_before() -> None:
    for pattern in _schema_patterns():
        assert ecma_to_python(pattern) == _reference_translation(pattern)
        assert compile_pattern(pattern).pattern == _reference_translation(pattern)


def _hook_run(cwd: Path, pycache: Path) -> tuple[int, str, set[str]]:
    """The hook in a fresh interpreter that keeps bytecode under ``pycache``: (status, stderr, imported)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(REPO), PYTHONPYCACHEPREFIX=str(pycache), PYTHONPROFILEIMPORTTIME="1")
    result = subprocess.run([sys.executable, "-m", "isollm.cli.hook", "isollm.yaml"], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=60)
    imported = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    return result.returncode, result.stderr, imported


def test_the_hook_keeps_its_work_for_its_next_run(tmp_path: Path) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\nimage: ubuntu:24.04\nairyra:\n  host: '[::1]'\n"
                                          "git:\n  upstream: git@github.com:acme/demo.git\n")
    pycache = tmp_path / "pycache"
    status, stderr, imported = _hook_run(tmp_path, pycache)
    assert status == 0, stderr
    assert "json" in imported  # nothing kept yet: the schema is parsed
    files = list(pycache.rglob("kept.*.marshal"))
    assert len(files) == 1
    _, entries = marshal.loads(files[0].read_bytes())
    assert ("schema", "config") in entries
    assert any(key[0] == "re" and key[1].startswith(r"^\[(?:(?:[0-9A-Fa-f]{1,4}:){7}") for key in entries)
    status, stderr, imported = _hook_run(tmp_path, pycache)
    assert status == 0, stderr
    assert "json" not in imported  # the kept schema was used: no parser needed


def test_a_caller_s_process_is_not_frozen(isollm: Any, tmp_path: Path) -> None:
    """``main(argv)`` called by a program (the tests, the API) leaves its collector alone."""
    (tmp_path / "isollm.yaml").write_text("project: demo\n")
    frozen = gc.get_freeze_count()
    assert isollm("validate", "isollm.yaml", cwd=tmp_path).returncode == 0
    assert gc.get_freeze_count() == frozen and gc.isenabled()
