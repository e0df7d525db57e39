"""The schema files themselves: valid, loadable, compilable, and consistent."""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
from jsonschema import Draft202012Validator

from isollm.schema.decide import compile_schema
from isollm.schema.loader import SCHEMA_NAMES, load_schema, schema_path

PRESENT = [name for name in SCHEMA_NAMES if schema_path(name).exists()]


@pytest.mark.parametrize("name", PRESENT)
def test_schema_is_valid_against_its_metaschema(name: str) -> None:
    Draft202012Validator.check_schema(load_schema(name))


@pytest.mark.parametrize("name", PRESENT)
def test_fast_validator_compiles_every_schema(name: str) -> None:
    compile_schema(load_schema(name))


def test_fast_validator_refuses_keywords_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="does not support the keyword 'uniqueItems'"):
        compile_schema({"type": "array", "uniqueItems": True})


def walk(schema: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, dict):
        yield pointer, schema
        for key, value in schema.items():
            if isinstance(value, dict):
                yield from walk(value, f"{pointer}/{key}")
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    yield from walk(item, f"{pointer}/{key}/{i}")


def test_config_defaults_are_valid_values() -> None:
    """By both validators: the compiled one skips a property's text default as valid."""
    root = load_schema("config")
    validator = Draft202012Validator(root)
    for pointer, sub in walk(root):
        if "default" in sub:
            assert not list(validator.evolve(schema=sub).iter_errors(sub["default"])), pointer
            assert compile_schema(sub, root)(sub["default"]), pointer


def test_every_config_property_is_documented_for_people_and_editors() -> None:
    for pointer, sub in walk(load_schema("config")["properties"], "/properties"):
        if pointer.count("/properties/") and not pointer.endswith(("x-messages", "items", "not")) and "type" in sub:
            assert sub.get("title") and sub.get("description"), pointer


def test_every_message_template_names_a_keyword_the_subschema_has() -> None:
    for pointer, sub in walk(load_schema("config")):
        for keyword in sub.get("x-messages", {}):
            base = keyword.split(".")[0]
            assert base in sub or base in ("required", "warning"), f"{pointer}: x-messages.{keyword}"


def test_schema_files_are_pretty_printed_json() -> None:
    for name in PRESENT:
        text = schema_path(name).read_text()
        assert json.loads(text) == load_schema(name) and text.endswith("\n")


@pytest.mark.parametrize(("pattern", "text", "matches"), [
    ("^[a-z]+$", "name", True),
    ("^[a-z]+$", "name\n", False),  # ECMA's $ is the very end; Python's also before a final newline
    ("/$", "isollm/", True),
    ("/$", "isollm/\n", False),
    (r"^a\$$", "a$", True),  # an escaped dollar is a literal one
    ("^[$]$", "$", True),  # so is a dollar in a character class
])
def test_patterns_are_read_as_ecma_262(pattern: str, text: str, matches: bool) -> None:
    from isollm.schema.formats import compile_pattern

    assert (compile_pattern(pattern).search(text) is not None) is matches


def test_a_host_port_rule_needs_the_port_range_of_its_entries() -> None:
    schema = {"hostPortsDistinct": {"list": "/ports"}, "properties": {"ports": {"items": {"minimum": 1}}}}
    with pytest.raises(ValueError, match="/ports need maximum"):
        compile_schema(schema)


IF_THEN_ELSE = {
    "type": "object",
    "properties": {"version": {"type": "integer"}, "name": {"type": "string", "x-messages": {"required": "give a name"}}},
    "if": {"required": ["version"]},
    "then": {"required": ["name"]},
    "else": {"properties": {"name": {"const": "legacy"}}},
}


@pytest.mark.parametrize("instance, valid", [
    ({"version": 1, "name": "x"}, True), ({"version": 1}, False),
    ({"name": "legacy"}, True), ({"name": "x"}, False), ({}, True), ([], False),
])
def test_fast_validator_applies_if_then_else_as_jsonschema_does(instance: Any, valid: bool) -> None:
    assert compile_schema(IF_THEN_ELSE)(instance) is valid
    assert Draft202012Validator(IF_THEN_ELSE).is_valid(instance) is valid


def test_then_and_else_without_if_are_compiled_but_apply_nothing() -> None:
    assert compile_schema({"then": False, "else": False})({})
    with pytest.raises(ValueError, match="uniqueItems"):
        compile_schema({"then": {"uniqueItems": True}})


def test_a_required_inside_then_takes_the_message_of_the_property_beside_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from isollm.schema import explain

    monkeypatch.setattr(explain, "load_schema", lambda name: IF_THEN_ELSE)
    explain._validator.cache_clear()
    try:
        assert [i.message for i in explain.explain("x", {"version": 1})[0]] == ["give a name"]
    finally:
        explain._validator.cache_clear()
