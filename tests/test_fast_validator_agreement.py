"""The fast compiled validator and jsonschema (IsollmValidator) agree on validity.

The hook decides valid/invalid with ``isollm.schema.decide`` alone and consults
jsonschema only to explain; if the two ever disagreed, a config could pass the
hook yet fail check-jsonschema (or fail with no message). Generated configs sit
on every limit the schema sets, with wrong types and unknown keys mixed in; the
strategies are read from the schema, so a new field is fuzzed without an edit here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings

from isollm.schema.decide import checker_for
from isollm.config import apply_defaults
from isollm.schema.loader import load_schema
from isollm.validator import IsollmValidator
from isollm.io.yamlio import YamlError, decode_utf8, parse_yaml, read_limited
from schema_strategies import WRONG_TYPES, SchemaStrategies

# One pytest-xdist worker runs the whole file, so its module-scoped fixtures run once.
pytestmark = pytest.mark.xdist_group("fast_validator_agreement")

EXAMPLES = Path(__file__).resolve().parent / "examples"
SCHEMA = load_schema("config")
PROPS = SCHEMA["properties"]


def _jsonschema_valid(instance: Any) -> bool:
    return bool(IsollmValidator(SCHEMA).is_valid(instance))


def _fast_valid(instance: Any) -> bool:
    return checker_for("config")(instance)


def _assert_agree(instance: Any) -> None:
    # Defaults applied too: that is the value Config.issues() validates.
    for value in (instance, apply_defaults(SCHEMA, instance)):
        assert _fast_valid(value) == _jsonschema_valid(value), value


# --- strategies: derived from the schema (tests/schema_strategies.py), so they move with it ---

STRATEGIES = SchemaStrategies(SCHEMA)
NAME_MIN, NAME_MAX = PROPS["project"]["minLength"], PROPS["project"]["maxLength"]
W_MIN, W_MAX = PROPS["workers"]["minimum"], PROPS["workers"]["maximum"]
P_MAX = PROPS["ports"]["items"]["maximum"]


def _around(*points: int) -> list[int]:
    return sorted({p + d for p in points for d in (-1, 0, 1)})


CONFIGS = STRATEGIES.configs()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CONFIGS)
def test_fast_validator_agrees_with_jsonschema(config: dict[str, Any]) -> None:
    _assert_agree(config)


@settings(max_examples=50, deadline=None)
@given(WRONG_TYPES)
def test_agree_on_documents_that_are_not_mappings(value: Any) -> None:
    _assert_agree(value)


@pytest.mark.parametrize("name_length", sorted({0, 1, NAME_MIN, NAME_MAX, NAME_MAX + 1}))
@pytest.mark.parametrize("workers", _around(W_MIN, W_MAX))
@pytest.mark.parametrize("port", ["0", "1", "1023", "1024", "65535", "65536", 0, 1, 1023, 1024, 65535, 65536])
def test_agree_on_every_limit(name_length: int, workers: int, port: Any) -> None:
    config = {"project": ("p" + "a" * NAME_MAX)[:name_length], "workers": workers, "ports": [port],
              "airyra": {"port": port if isinstance(port, int) else 7432}}
    _assert_agree(config)


def _example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".yaml", ".yml")) if EXAMPLES.is_dir() else []


@pytest.mark.parametrize("path", _example_files(), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_agree_on_every_example(path: Path) -> None:
    try:
        document = parse_yaml(decode_utf8(read_limited(path)))
    except YamlError:
        pytest.skip("not readable as YAML: no validator sees it")
    _assert_agree(document.data)


def test_generated_configs_reach_both_verdicts() -> None:
    """Guards the strategies: a generator producing only invalid configs would prove nothing."""
    valid = {"project": "ab", "workers": W_MAX, "ports": ["1", f"{P_MAX}:{P_MAX}"]}
    assert _fast_valid(valid) and _jsonschema_valid(valid)
    assert not _fast_valid({**valid, "workers": W_MAX + 1})
    assert _jsonschema_valid(find(CONFIGS, _fast_valid, settings=QUICK))
    assert not _jsonschema_valid(find(CONFIGS, lambda config: not _fast_valid(config), settings=QUICK))


# For find(): the first example that fits is enough, no shrinking.
QUICK = settings(max_examples=300, database=None, phases=[Phase.generate],
                 suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def smallest_valid() -> dict[str, Any]:
    """The simplest valid document the strategies make (the required fields, shrunk)."""
    shrunk = settings(QUICK, phases=[Phase.generate, Phase.shrink])
    found: dict[str, Any] = find(STRATEGIES.valid(SCHEMA), _jsonschema_valid, settings=shrunk)
    return found


def _place(document: dict[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    """``document`` with ``value`` at ``pointer``; a ``/0`` step is the one item of a list."""
    parts = pointer.lstrip("/").split("/")
    for part in reversed(parts[1:]):
        value = [value] if part == "0" else {part: value}
    return {**document, parts[0]: value}


FIELDS = list(STRATEGIES.fields())


@pytest.mark.parametrize("pointer, node", FIELDS, ids=[pointer for pointer, _ in FIELDS])
def test_every_field_is_fuzzed_both_ways(smallest_valid: dict[str, Any], pointer: str, node: dict[str, Any]) -> None:
    """Each field's strategies, read from the schema, reach a valid and an invalid document."""
    def valid_with(value: Any) -> bool:
        return _jsonschema_valid(_place(smallest_valid, pointer, value))

    good = find(STRATEGIES.valid(node), valid_with, settings=QUICK)
    bad = find(STRATEGIES.edge(node), lambda value: not valid_with(value), settings=QUICK)
    for value in (good, bad):
        _assert_agree(_place(smallest_valid, pointer, value))


def test_a_new_field_is_fuzzed_without_an_edit_here() -> None:
    """A field added to the schema alone is drawn valid and pushed past its limits, nested ones too."""
    zellij = PROPS["zellij"]
    schema = {**SCHEMA, "properties": {
        **PROPS, "timeout": {"type": "integer", "minimum": 1, "maximum": 60},
        "zellij": {**zellij, "properties": {**zellij["properties"], "theme": {"enum": ["dark", "light"]}}}}}
    strategies, validator = SchemaStrategies(schema), IsollmValidator(schema)
    configs = strategies.configs()

    def at(config: Any, path: tuple[str, ...]) -> Any:
        for step in path:
            if not isinstance(config, dict) or step not in config:
                return KeyError
            config = config[step]
        return config

    def alone_valid(value: Any, path: tuple[str, ...]) -> bool:
        for step in reversed(path):
            value = {step: value}
        return bool(validator.is_valid({"project": "ab", **value}))

    for path in (("timeout",), ("zellij", "theme")):
        assert find(configs, lambda c: at(c, path) is not KeyError and alone_valid(at(c, path), path), settings=QUICK)
        assert find(configs, lambda c: at(c, path) is not KeyError and not alone_valid(at(c, path), path),
                    settings=QUICK)
