"""At most ``MAX_LISTED`` problems per file, the first by position, then how many more.

A file of thousands of bad values is told in a screenful, and explaining stops
once that many are found: jsonschema (about 80 us per error) runs only on the
failing parts the fast checks find (``isollm.schema.explain``), and only on the
first ones. The explanation by parts says what one jsonschema walk of the whole
value says (checked against that walk, on generated values).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isollm import config as cfg
from isollm.errors import LeftOut, MAX_LISTED, ValidationError, not_listed, one_line
from isollm.schema import explain
from isollm.schema.decide import validate_instance
from isollm.schema.loader import load_schema
from tests.inprocess import LAUNCH, run
from schema_strategies import WRONG_TYPES, SchemaStrategies


def _write(directory: Path, text: str) -> Path:
    path = directory / "isollm.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _bad_ports(count: int) -> str:
    return "".join(f"  - bad{i}\n" for i in range(count))


# --- the first MAX_LISTED by position, then one line for the rest ------------------------------

def test_a_long_list_of_bad_values_lists_the_first_and_counts_the_rest(tmp_path: Path) -> None:
    path = _write(tmp_path, "project: many\nports:\n" + _bad_ports(MAX_LISTED + 250))
    issues = cfg.load_file(path).issues()
    assert len(issues) == MAX_LISTED + 1
    assert [i.line for i in issues[:-1]] == list(range(3, 3 + MAX_LISTED))
    assert isinstance(issues[-1], LeftOut) and issues[-1].more == 250
    assert issues[-1].message == f"... and 250 more problems (only the first {MAX_LISTED} are listed)"
    assert len(cfg.load_file(path).issues(limit=None)) == MAX_LISTED + 250


def test_the_first_by_position_whatever_the_schema_order(tmp_path: Path) -> None:
    # The schema checks ports before zellij; the file has zellij first: it is listed.
    text = "project: pp\nzellij:\n  layout: diagonal\nports:\n" + _bad_ports(MAX_LISTED + 5)
    issues = cfg.load_file(_write(tmp_path, text)).issues()
    assert issues[0].pointer == "/zellij/layout" and issues[0].line == 3
    assert [i.pointer for i in issues[1:MAX_LISTED]] == [f"/ports/{i}" for i in range(MAX_LISTED - 1)]
    assert issues[-1] == LeftOut(6, str(tmp_path / "isollm.yaml"))


def test_a_problem_after_the_long_list_is_counted_not_listed(tmp_path: Path) -> None:
    text = "project: pp\nports:\n" + _bad_ports(MAX_LISTED) + "workers: 99\n"
    issues = cfg.load_file(_write(tmp_path, text)).issues()
    assert "/workers" not in [i.pointer for i in issues]
    assert not_listed(issues) == 1
    assert "/workers" in [i.pointer for i in cfg.load_file(_write(tmp_path, text)).issues(limit=None)]


@pytest.mark.parametrize("shape", ["unknown keys", "duplicate keys", "nested unknown keys"])
def test_every_kind_of_problem_is_capped(tmp_path: Path, shape: str) -> None:
    count = MAX_LISTED * 3
    text = {
        "unknown keys": "project: pp\n" + "".join(f"key{i}: 1\n" for i in range(count)),
        "duplicate keys": "project: pp\nairyra:\n" + "  port: 7000\n" * (count + 1),
        "nested unknown keys": "project: pp\ngit:\n" + "".join(f"  key{i}: 1\n" for i in range(count)),
    }[shape]
    issues = cfg.load_file(_write(tmp_path, text)).issues()
    assert len(issues) == MAX_LISTED + 1 and not_listed(issues) == count - MAX_LISTED
    lines = [i.line for i in issues[:-1]]
    assert lines == sorted(lines) and lines[0] in (2, 3, 4)  # the first key, or its first repeat


def test_explaining_stops_once_enough_problems_are_found(monkeypatch: pytest.MonkeyPatch) -> None:
    explained = []
    describe = explain._describe_fault
    monkeypatch.setattr(explain, "_describe_fault", lambda *a: explained.append(a[1]) or describe(*a))
    issues = validate_instance("config", {"project": "pp", "ports": [f"bad{i}" for i in range(5000)]})
    assert len(explained) == MAX_LISTED
    assert not_listed(issues) == 5000 - MAX_LISTED


def test_a_validation_error_says_how_many_more(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        cfg.load_file(_write(tmp_path, "project: pp\nports:\n" + _bad_ports(MAX_LISTED + 1))).validate()
    lines = str(caught.value).splitlines()
    assert len(lines) == 1 + MAX_LISTED + 1
    assert lines[-1].endswith(f"isollm.yaml: ... and 1 more problem (only the first {MAX_LISTED} are listed)"), lines[-1]


# --- what each output format says ---------------------------------------------------------------

def test_text_output_ends_with_how_many_more(tmp_path: Path) -> None:
    _write(tmp_path, "project: pp\nports:\n" + _bad_ports(MAX_LISTED + 7))
    status, out, err = run(LAUNCH, "validate", cwd=tmp_path)
    lines = err.splitlines()
    assert status == 1 and out == "" and len(lines) == MAX_LISTED + 1
    assert lines[0].startswith("isollm.yaml:3:5: error: invalid port")
    assert lines[-1] == f"isollm.yaml: error: ... and 7 more problems (only the first {MAX_LISTED} are listed)"


def test_json_output_counts_the_problems_not_listed(tmp_path: Path) -> None:
    _write(tmp_path, "project: pp\nports:\n" + _bad_ports(MAX_LISTED + 7))
    (tmp_path / "ok").mkdir()
    _write(tmp_path / "ok", "project: fine\n")
    status, out, _ = run(LAUNCH, "validate", "--format", "json", "isollm.yaml", "ok", cwd=tmp_path)
    files = json.loads(out)["files"]
    assert status == 1
    assert len(files[0]["errors"]) == MAX_LISTED and files[0]["errors_not_listed"] == 7
    assert files[1]["errors"] == [] and files[1]["errors_not_listed"] == 0


def test_github_output_annotates_how_many_more(tmp_path: Path) -> None:
    _write(tmp_path, "project: pp\nports:\n" + _bad_ports(MAX_LISTED + 2))
    status, out, _ = run(LAUNCH, "validate", "--format", "github", cwd=tmp_path)
    lines = out.splitlines()
    assert status == 1 and len(lines) == MAX_LISTED + 1
    assert lines[-1] == f"::error file=isollm.yaml::... and 2 more problems (only the first {MAX_LISTED} are listed)"


# --- explaining by parts says what one jsonschema walk says ----------------------------------------

def _one_walk(name: str, instance: Any) -> set[tuple[str, str, str]]:
    """The explanation before parts: every jsonschema error of the whole value, pruned together."""
    schema = load_schema(name)
    found = []
    for error in explain._validator(name).iter_errors(instance):
        found.extend(explain._describe(error, schema))
    return {(p, one_line(m), k) for p, m, k, _ in explain._prune(found, instance, schema, set())}


def _by_parts(name: str, instance: Any) -> set[tuple[str, str, str]]:
    issues, more = explain.explain(name, instance)
    assert more == 0
    return {(i.pointer, i.message, i.keyword) for i in issues}


STRATEGIES = {name: SchemaStrategies(load_schema(name)) for name in ("config", "session", "worker")}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(STRATEGIES)).flatmap(lambda name: st.tuples(st.just(name),
                                                                          STRATEGIES[name].configs())))
def test_explaining_by_parts_says_what_one_walk_says(case: tuple[str, dict[str, Any]]) -> None:
    name, instance = case
    assert _by_parts(name, instance) == _one_walk(name, instance)
    if name == "config":
        with_defaults = cfg.apply_defaults(load_schema("config"), instance)
        assert _by_parts(name, with_defaults) == _one_walk(name, with_defaults)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["config", "session", "worker", "task"]), WRONG_TYPES)
def test_explaining_by_parts_agrees_on_values_that_are_not_mappings(name: str, value: Any) -> None:
    assert _by_parts(name, value) == _one_walk(name, value)


def test_the_line_for_the_rest_names_the_limit_asked_for(tmp_path: Path) -> None:
    issues = cfg.load_file(_write(tmp_path, "project: pp\nports:\n" + _bad_ports(10))).issues(limit=3)
    assert len(issues) == 4 and issues[-1].message == "... and 7 more problems (only the first 3 are listed)"
