"""Stable ``$id``s for every schema and the SchemaStore catalog entry that points at one.

The published location names the release the schema belongs to (the tag ``v<version>``),
never a branch: a URL at ``main`` would drift from the installed isollm, and the schema of
a release must stay where that release's configs point.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO
from isollm import __version__

SCHEMAS = sorted((REPO / "schemas").glob("*.json"))
ID_BASE = f"https://raw.githubusercontent.com/isollm/isollm-toolkit/v{__version__}/schemas/"
# The URL `isollm init` wrote before it named the local copy: the README names it to say so.
UNPUBLISHED = "https://raw.githubusercontent.com/isollm/isollm-toolkit/main/schemas/isollm.schema.json"
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


def test_the_published_urls_name_the_package_version() -> None:
    entry = _load(CATALOG_ENTRY)
    assert f"/v{__version__}/" in str(entry["url"])
    for path in SCHEMAS:
        assert f"/v{__version__}/" in str(_load(path)["$id"])


@pytest.mark.parametrize("path", [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), CATALOG_ENTRY,
                                  *SCHEMAS], ids=lambda p: p.name)
def test_every_url_of_ours_in_docs_and_schemas_names_the_release(path: Path) -> None:
    text = path.read_text(encoding="utf-8").replace(UNPUBLISHED, "")
    refs = re.findall(r"raw\.githubusercontent\.com/isollm/isollm-toolkit/([^/\s]+)/", text)
    refs += re.findall(r"github\.com/isollm/isollm-toolkit/(?:blob|tree|raw)/([^/\s]+)/", text)
    assert set(refs) <= {f"v{__version__}"}
