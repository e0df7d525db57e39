"""Stable ``$id``s for every schema and the SchemaStore catalog entry that points at one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO

SCHEMAS = sorted((REPO / "schemas").glob("*.json"))
ID_BASE = "https://raw.githubusercontent.com/isollm/isollm-toolkit/main/schemas/"
CATALOG_ENTRY = REPO / "schemastore" / "catalog-entry.json"


def _load(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_there_are_schemas() -> None:
    assert any(path.name == "isollm.schema.json" for path in SCHEMAS)


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_id_is_the_published_url_of_the_file(path: Path) -> None:
    # Editors, SchemaStore and `$ref`s resolve schemas by this URL: it must name this file.
    assert _load(path)["$id"] == ID_BASE + path.name


def test_ids_are_unique() -> None:
    ids = [_load(path)["$id"] for path in SCHEMAS]
    assert len(set(ids)) == len(ids)


def test_catalog_entry_is_ready_for_schemastore() -> None:
    entry = _load(CATALOG_ENTRY)
    assert set(entry) == {"name", "description", "fileMatch", "url"}
    assert entry["url"] == _load(REPO / "schemas" / "isollm.schema.json")["$id"]
    assert entry["fileMatch"] == ["isollm.yaml"]  # the one name isollm reads
    assert isinstance(entry["description"], str) and entry["description"]
    assert isinstance(entry["name"], str) and re.fullmatch(r"[\w .-]+", entry["name"])
