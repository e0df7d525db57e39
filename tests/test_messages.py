"""Messages come from the schemas' x-messages, filled by one function with one set of fields."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, Iterator

import pytest

from isollm.schema.loader import SCHEMA_NAMES, load_schema
from isollm.schema.messages import DEFAULT_MESSAGES, schema_message

PACKAGE = Path(__file__).resolve().parent.parent / "isollm"
# Fields a caller adds for its own case, beside the ones every message gets.
CASE_FIELDS = {"port": "8080", "reserved": "airyra.port", "key": "k", "first_line": 1, "suggestion": "s",
               "expected": "a string"}


def _subschemas(node: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            yield from _subschemas(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _subschemas(value, f"{pointer}/{index}")


TEMPLATES = [(f"{name}:{pointer}", sub, key, template)
             for name in SCHEMA_NAMES for pointer, sub in _subschemas(load_schema(name))
             for key, template in sub.get("x-messages", {}).items()]


@pytest.mark.parametrize(("where", "sub", "key", "template"), TEMPLATES, ids=[f"{t[0]}:{t[2]}" for t in TEMPLATES])
def test_every_template_names_only_fields_it_is_given(where: str, sub: dict[str, Any], key: str,
                                                      template: str) -> None:
    message = schema_message(sub, key, location="/a/b", instance="value", reason="why", **CASE_FIELDS)
    assert "{" not in message and "}" not in message, (where, message)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_template_is_keyed_by_a_keyword_its_subschema_has(name: str) -> None:
    for pointer, sub in _subschemas(load_schema(name)):
        for key in sub.get("x-messages", {}):
            base = key.split(".")[0]
            # "warning.<case>" is a non-fatal problem's message (no keyword fails for it).
            assert base in sub or base in ("required", "warning"), f"{name}:{pointer}: x-messages.{key}"


def test_the_fields_every_message_gets() -> None:
    sub = {"minimum": 3, "maximum": 9, "enum": ["a", "b"], "x-messages": {
        "k": "{field}|{instance}|{instance_json}|{reason}|{minimum}-{maximum}|{enum_list}|{extra}|{nobody}"}}
    assert schema_message(sub, "k", location="/a~1b/0", instance="x", reason="r", extra=1) == (
        'a/b.0|x|"x"|r|3-9|a, b|1|{nobody}')
    assert schema_message(sub, "k", location="", instance=[1])[:14] == "the config|[1]"


def test_a_keyword_without_a_template_gets_the_default() -> None:
    assert schema_message({}, "required", location="/git/base_branch") == "git.base_branch is required"
    assert schema_message({}, "minLength", location="/x", reason="too short") == "x: too short"
    assert schema_message({"x-messages": {"required": "give {field}"}}, "required", location="/y") == "give y"


def test_messages_the_code_asks_for_are_in_the_schemas() -> None:
    config = load_schema("config")
    assert {"hostPortsDistinct.duplicate", "hostPortsDistinct.reserved"} <= set(config["x-messages"])
    assert "warning.untagged" in config["properties"]["image"]["x-messages"]
    for name in ("session", "worker"):
        schema = load_schema(name)
        assert "type" in schema["x-messages"]
        assert {"minimum.migration", "maximum"} <= set(schema["properties"]["version"]["x-messages"])


def _string_constants(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def test_no_code_repeats_a_schema_message() -> None:
    """A message is changed in the schema alone: no module keeps a copy of one."""
    templates = {template for _, _, _, template in TEMPLATES}
    copies = [(str(path.relative_to(PACKAGE)), text) for path in sorted(PACKAGE.rglob("*.py"))
              for text in _string_constants(path) if text in templates]
    assert copies == []
    assert not templates & set(DEFAULT_MESSAGES.values())


def test_templates_are_filled_in_one_place() -> None:
    modules = {str(path.relative_to(PACKAGE)): path for path in sorted(PACKAGE.rglob("*.py"))}
    filling = [name for name, path in modules.items() if ".format_map(" in path.read_text(encoding="utf-8")]
    assert filling == ["schema/messages.py"]
    readers = {name for name, path in modules.items() if "x-messages" in set(_string_constants(path))}
    # decide.py names x-messages only to skip it as an annotation; front.py quotes the project-name
    # rule (a template without fields) in ``init --help``.
    assert readers <= {"schema/messages.py", "schema/decide.py", "cli/front.py"}


def test_explain_imports_no_private_name() -> None:
    tree = ast.parse((PACKAGE / "schema" / "explain.py").read_text(encoding="utf-8"))
    private = [alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               and (node.module or "").startswith("isollm") for alias in node.names if alias.name.startswith("_")]
    assert private == []


def test_a_changed_template_changes_the_message_every_validator_gives() -> None:
    from isollm.schema.decide import compile_schema
    from isollm.validator import IsollmValidator
    from isollm.schema.formats import host_port_conflicts

    schema = {"type": "object", "hostPortsDistinct": {"list": "/ports"},
              "properties": {"ports": {"type": "array", "items": {"minimum": 1, "maximum": 9}}},
              "x-messages": {"hostPortsDistinct.duplicate": "{field}: port {port} twice ({instance_json})"}}
    document = {"ports": ["1", "1:2"]}
    assert not compile_schema(schema)(document)
    assert list(host_port_conflicts(schema["hostPortsDistinct"], document, schema)) == [
        ("/ports/1", 'ports.1: port 1 twice ("1:2")')]
    assert [e.message for e in IsollmValidator(schema).iter_errors(document)] == ['ports.1: port 1 twice ("1:2")']
