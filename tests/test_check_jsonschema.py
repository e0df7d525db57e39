"""The real ``check-jsonschema`` CLI against our schemas.

(a) With ``--validator-class isollm.validator:IsollmValidator`` it finds the same problems
    (the same set of failing JSON paths) as ``isollm validate`` on every corpus config.
(b) Without it, standard keywords alone still catch every problem a standard keyword can
    express, and nothing we would call valid.
(c) ``--check-metaschema`` accepts every schema file.

The corpus is tests/parity and tests/examples, minus configs that check-jsonschema's own
YAML parser (ruamel.yaml) reads differently from ours or cannot read: those are about YAML,
not about the schema.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, REPO
from tests import dependencies
from tests.inprocess import LAUNCH, run

# One pytest-xdist worker runs the whole file, so its module-scoped fixtures run once.
pytestmark = [dependencies.program("check-jsonschema"), pytest.mark.xdist_group("check_jsonschema")]

SCHEMA = REPO / "schemas" / "isollm.schema.json"
PARITY = Path(__file__).resolve().parent / "parity"
# The one rule no standard keyword can express (duplicate host ports, a clash with airyra.port):
# only the custom validator class sees it. Every other rule is a standard keyword.
CUSTOM_KEYWORDS = {"hostPortsDistinct"}


def _ports_as_text(data: Any) -> Any:
    """A port is text in a config (``- 3000`` is ``"3000"``); the number 3000 means the same."""
    if isinstance(data, dict) and isinstance(data.get("ports"), list):
        return {**data, "ports": [str(p) if isinstance(p, int) and not isinstance(p, bool) else p
                                  for p in data["ports"]]}
    return data


def _same_under_both_parsers(path: Path) -> bool:
    from check_jsonschema.parsers.yaml import ParseError, construct_yaml_implementation, impl2loader

    from isollm.config import as_written, load_file
    from isollm.errors import ConfigError
    from isollm.io.yamlio import parse_yaml
    from isollm.schema.loader import load_schema

    try:
        document = parse_yaml(path.read_text(encoding="utf-8"))
        with open(path, "rb") as stream:
            theirs = impl2loader(construct_yaml_implementation())(stream)
        # What isollm reads where YAML sees a number but the field wants text, and the
        # numbers with a leading zero it refuses, are about the text, not the schema.
        if any(issue.keyword == "leadingZero" for issue in load_file(path).issues()):
            return False
    except (ConfigError, ParseError, UnicodeDecodeError):
        return False
    ours = _ports_as_text(as_written(load_schema("config"), document.data, document.texts))
    # JSON text tells 1 from True and 1 from 1.0, which == does not.
    return isinstance(ours, dict) and json.dumps(ours, sort_keys=True) == json.dumps(
        _ports_as_text(theirs), sort_keys=True)


def _corpus(kind: str) -> list[Path]:
    files = sorted((PARITY / kind).glob("*.yaml")) + sorted((EXAMPLES / kind).glob("*.yaml"))
    # check-jsonschema's loader keeps a %YAML directive's version for every file after it in
    # the same run (after %YAML 1.1, `yes` is true): a file with one is left out.
    return [path for path in files if _same_under_both_parsers(path) and not path.read_bytes().startswith(b"%YAML")]


VALID = _corpus("valid")
INVALID = _corpus("invalid")
CORPUS = VALID + INVALID


def _pointer(json_path: str) -> str:
    """``$.ports[1]`` -> ``/ports/1`` (our keys are plain identifiers, so no quoting to undo)."""
    parts = re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", json_path.removeprefix("$"))
    return "".join("/" + (key or index) for key, index in parts)


def _cj_pointers(error: dict[str, Any]) -> set[str]:
    pointer = _pointer(error["path"])
    # jsonschema reports an unknown key at its parent; we report it at the key itself.
    if error["message"].startswith("Additional properties are not allowed"):
        unexpected = error["message"].rsplit("(", 1)[1]
        return {f"{pointer}/{name}" for name in re.findall(r"'([^']*)'", unexpected)}
    return {pointer}


def _check_jsonschema(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run(["check-jsonschema", *args], env=env, capture_output=True, text=True, timeout=300)


def _cj_report(*extra: str) -> dict[str, set[str]]:
    """Failing pointers per file, from one check-jsonschema run over the whole corpus."""
    result = _check_jsonschema("-o", "json", "--schemafile", str(SCHEMA), *extra, *map(str, CORPUS))
    report = json.loads(result.stdout)
    assert report["parse_errors"] == [], report["parse_errors"]
    found: dict[str, set[str]] = {str(path): set() for path in CORPUS}
    for error in report["errors"]:
        found[error["filename"]] |= _cj_pointers(error)
    return found


@pytest.fixture(scope="module")
def ours() -> dict[str, list[dict[str, Any]]]:
    """Errors per file from one ``isollm validate --format json`` run (our CLI, not the API)."""
    result = run(LAUNCH, "validate", "--format", "json", *CORPUS, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    return {entry["path"]: entry["errors"] for entry in json.loads(result.stdout)["files"]}


@pytest.fixture(scope="module")
def with_class() -> dict[str, set[str]]:
    return _cj_report("--validator-class", "isollm.validator:IsollmValidator")


@pytest.fixture(scope="module")
def plain() -> dict[str, set[str]]:
    return _cj_report()


def test_corpus_is_large_enough() -> None:
    # A parser disagreement must not quietly shrink the corpus to nothing.
    assert len(VALID) >= 4 and len(INVALID) >= 30


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.stem}")
def test_validator_class_reports_the_same_paths_as_isollm_validate(path: Path, ours, with_class) -> None:
    expected = {error["pointer"] for error in ours[str(path)]}
    assert with_class[str(path)] == expected
    assert bool(expected) == (path in INVALID)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.stem}")
def test_standard_keywords_alone_catch_every_standard_rule(path: Path, ours, plain) -> None:
    standard = {e["pointer"] for e in ours[str(path)] if e["keyword"] not in CUSTOM_KEYWORDS}
    everything = {e["pointer"] for e in ours[str(path)]}
    assert standard <= plain[str(path)], "a standard rule only our validator enforces"
    assert plain[str(path)] <= everything, "plain check-jsonschema rejects what we accept"


def test_the_custom_rules_need_the_validator_class(ours, plain) -> None:
    # Guards the test above against vacuity: some corpus problems are custom-only.
    custom_only = [p for p in INVALID if ours[str(p)] and not plain[str(p)]]
    assert custom_only, "no config exercises a rule beyond standard keywords"


def test_every_schema_passes_the_metaschema_check() -> None:
    schemas = sorted((REPO / "schemas").glob("*.json"))
    assert schemas
    result = _check_jsonschema("--check-metaschema", *map(str, schemas))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_where_check_jsonschema_refuses_text_isollm_keeps_it_warns(tmp_path: Path) -> None:
    # The one answer across the tools: what check-jsonschema (YAML 1.2) refuses and isollm keeps
    # as text, isollm warns about, at the same values, saying how to quote them.
    config = tmp_path / "isollm.yaml"
    config.write_text("project: demo\ngit:\n  base_branch: 1.10\nclaude:\n  command: true\n"
                      "  args: [--max-turns, 50]\nports: [3000]\n")
    result = _check_jsonschema("-o", "json", "--schemafile", str(SCHEMA),
                               "--validator-class", "isollm.validator:IsollmValidator", str(config))
    theirs = set().union(*(_cj_pointers(error) for error in json.loads(result.stdout)["errors"]))
    from isollm.check import check_config

    checked = check_config(config.read_bytes(), str(config))
    assert checked.errors == []
    assert {w.pointer for w in checked.warnings if w.keyword == "unquoted"} == theirs == {
        "/git/base_branch", "/claude/command", "/claude/args/1"}
    assert 'write "1.10"' in checked.warnings[0].message
