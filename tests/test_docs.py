"""docs/configuration.md is generated from the config schema and must not drift from it."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

import pytest

from conftest import REPO
from isollm.schema.loader import load_schema
from tests.inprocess import run

PAGE = REPO / "docs" / "configuration.md"


def _keys(schema: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for name, sub in schema.get("properties", {}).items():
        yield prefix + name, sub
        yield from _keys(sub, f"{prefix}{name}.")


KEYS = list(_keys(load_schema("config")))


def _section(key: str) -> str:
    text = PAGE.read_text(encoding="utf-8")
    match = re.search(rf"^#+ `{re.escape(key)}`.*?(?=^#+ `|^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"no section for {key}"
    return match.group(0)


def test_checked_in_page_is_what_the_generator_prints() -> None:
    result = run("isollm.docgen", cwd=REPO)  # what `python3 -m isollm.docgen` prints
    assert result.returncode == 0, result.stderr
    assert PAGE.read_text(encoding="utf-8") == result.stdout, (
        "docs/configuration.md is out of date: run `python3 -m isollm.docgen > docs/configuration.md`")


@pytest.mark.parametrize(("key", "schema"), KEYS, ids=[key for key, _ in KEYS])
def test_every_key_is_documented_with_its_rules(key: str, schema: dict[str, Any]) -> None:
    section = _section(key)
    assert schema.get("description", "").split(".")[0] in section or schema["markdownDescription"] in section
    facts = [schema.get(word) for word in ("minimum", "maximum", "minLength", "maxLength") if word in schema]
    facts += [json.dumps(value) for value in schema.get("enum", [])]
    if "default" in schema and schema["default"] != {}:
        facts.append(json.dumps(schema["default"]))
    facts += [schema[word] for word in ("pattern", "format") if word in schema]
    facts += [json.dumps(example) for example in schema.get("examples", [])]
    for fact in facts:
        assert str(fact) in section, f"{key}: {fact} missing"


def test_the_example_on_the_page_is_a_valid_config(tmp_path, isollm) -> None:
    block = re.search(r"```yaml\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)
    assert block
    (tmp_path / "isollm.yaml").write_text(block.group(1), encoding="utf-8")
    result = isollm("validate", tmp_path / "isollm.yaml")
    assert result.returncode == 0, result.stderr
