"""What an editor shows for isollm.yaml, checked with the real yaml-language-server.

The server (pinned in tests/editor/package-lock.json; `npm ci --prefix tests/editor`)
is driven over stdio. There is no network here, so the schema is associated by its local
file, through the ``yaml.schemas`` setting or a modeline with a file URI; the modeline
`isollm init` writes names the schema's ``$id`` instead, which is checked separately.
"""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import REPO
from isollm.config import default_config, render
from isollm.schema.loader import load_schema
from lsp_client import LspClient
from tests import dependencies

SERVER = REPO / "tests" / "editor" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
SCHEMA_FILE = REPO / "schemas" / "isollm.schema.json"
SCHEMA = load_schema("config")
PROPS = SCHEMA["properties"]

pytestmark = dependencies.program("node", "npm")
_names = itertools.count()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LspClient, Path]]:
    if not SERVER.exists():
        # The README's test command is all a fresh machine runs: install the pinned server here.
        subprocess.run(["npm", "ci", "--prefix", str(SERVER.parents[3]), "--no-audit", "--no-fund"],
                       check=True, capture_output=True, timeout=300)
    assert SERVER.exists(), "yaml-language-server did not install: run `npm ci --prefix tests/editor`"
    workspace = tmp_path_factory.mktemp("workspace")
    settings = {"yaml": {"schemas": {SCHEMA_FILE.as_uri(): ["isollm.yaml", "isollm.yml"]},
                         "validate": True, "hover": True, "completion": True,
                         "schemaStore": {"enable": False}}}
    client = LspClient(["node", str(SERVER), "--stdio"], settings, workspace)
    client.request("initialize", {
        "processId": None, "rootUri": workspace.as_uri(),
        "capabilities": {
            "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
            "textDocument": {"completion": {"completionItem": {"snippetSupport": True,
                                                               "documentationFormat": ["markdown"]}},
                             "hover": {"contentFormat": ["markdown"]}, "publishDiagnostics": {}}}})
    client.notify("initialized", {})
    client.notify("workspace/didChangeConfiguration", {"settings": settings})
    # Settings apply asynchronously: wait until a config is checked against the schema.
    warm_up = _open((client, workspace), "project: demo\nworkers: 0\n")
    client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == warm_up and p["diagnostics"])
    yield client, workspace
    client.close()


def _open(server: tuple[LspClient, Path], text: str, name: str = "isollm.yaml") -> str:
    """Open ``text`` as a new document called ``name`` (in its own folder); its URI."""
    client, workspace = server
    uri = (workspace / f"doc{next(_names)}" / name).as_uri()
    client.notify("textDocument/didOpen",
                  {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
    return uri


def _completion(server: tuple[LspClient, Path], uri: str, line: int, character: int) -> dict[str, Any]:
    result = server[0].request("textDocument/completion", {
        "textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
    items = result["items"] if isinstance(result, dict) else result or []
    return {item["label"]: item for item in items}


def _diagnostics(server: tuple[LspClient, Path], uri: str) -> list[dict[str, Any]]:
    params = server[0].wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    return params["diagnostics"]  # type: ignore[no-any-return]


def test_completion_offers_every_top_level_key(server) -> None:
    uri = _open(server, "\n")
    assert set(PROPS) <= set(_completion(server, uri, 0, 0))


@pytest.mark.parametrize("section", ["git", "airyra", "zellij", "claude"])
def test_completion_offers_the_keys_inside_a_section(server, section: str) -> None:
    uri = _open(server, f"project: demo\n{section}:\n  \n")
    offered = _completion(server, uri, 2, 2)
    assert set(PROPS[section]["properties"]) <= set(offered)
    assert "workers" not in offered  # keys of the section, not of the top level


def test_completion_offers_the_layouts_with_their_descriptions(server) -> None:
    layout = PROPS["zellij"]["properties"]["layout"]
    uri = _open(server, "project: demo\nzellij:\n  layout: \n")
    offered = _completion(server, uri, 2, 10)
    assert set(layout["enum"]) <= set(offered)
    assert set(offered) - set(layout["enum"]) <= {"auto"}  # nothing but the four values
    for value, note in zip(layout["enum"], layout["enumDescriptions"]):
        documentation = offered[value].get("documentation", "")
        text = documentation["value"] if isinstance(documentation, dict) else documentation
        assert note in text


def test_hover_shows_the_description_of_workers(server) -> None:
    uri = _open(server, "project: demo\nworkers: 3\n")
    hover = server[0].request("textDocument/hover", {"textDocument": {"uri": uri},
                                                     "position": {"line": 1, "character": 2}})
    text = hover["contents"]["value"]
    assert PROPS["workers"]["markdownDescription"] in text
    assert PROPS["workers"]["title"] in text


@pytest.mark.parametrize(("text", "line"), [
    ("project: demo\nworkers: {}\n", 1),
    ("project: demo\nimage: ubuntu:24.04\ngit:\n  base_branch: main\nworkers: {}\n", 4),
])
@pytest.mark.parametrize("bound", ["minimum", "maximum"])
def test_out_of_range_workers_is_flagged_on_its_line(server, text: str, line: int, bound: str) -> None:
    value = PROPS["workers"][bound] + (1 if bound == "maximum" else -1)
    uri = _open(server, text.format(value))
    diagnostics = _diagnostics(server, uri)
    assert [d["range"]["start"]["line"] for d in diagnostics] == [line]
    assert str(PROPS["workers"][bound]) in diagnostics[0]["message"]


def test_a_modeline_alone_associates_the_schema(server) -> None:
    # Not named isollm.yaml, so only the modeline can tell the server which schema applies.
    text = f"# yaml-language-server: $schema={SCHEMA_FILE.as_uri()}\nproject: demo\nworkers: 99\nzellij:\n  layout: \n"
    uri = _open(server, text, name="anything.yaml")
    # workers out of range; an empty layout is not one of the four strings.
    assert {d["range"]["start"]["line"] for d in _diagnostics(server, uri)} == {2, 4}
    assert {"auto", "grid"} <= set(_completion(server, uri, 4, 10))


def test_init_writes_a_modeline_naming_the_schema_id() -> None:
    first_line = render(default_config("demo")).splitlines()[0]
    assert first_line == f"# yaml-language-server: $schema={SCHEMA['$id']}"
    assert SCHEMA["$id"].startswith("https://") and SCHEMA["$id"].endswith("/schemas/isollm.schema.json")


def test_the_config_init_writes_is_clean_in_the_editor(server) -> None:
    # The same file, with the $id URL (no network here) pointing at the local copy.
    text = render(default_config("demo")).replace(SCHEMA["$id"], SCHEMA_FILE.as_uri())
    uri = _open(server, text, name="anything.yml")
    assert _diagnostics(server, uri) == []
