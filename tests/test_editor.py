"""What an editor shows for isollm.yaml, checked with the real yaml-language-server.

The server (pinned in tests/editor/package-lock.json; `npm ci --prefix tests/editor`)
is driven over stdio with no network: ``tests/editor/offline.js`` is preloaded, so no
connection leaves the server and each one it tries is logged, and where ``unshare -rn``
works the server also runs in a network namespace of its own. A config written by
``isollm init`` (for real, through the CLI) is opened exactly as written, with no
settings at all: its modeline names ``.isollm/isollm.schema.json``, which init wrote
beside it. Other tests associate the schema by the ``yaml.schemas`` setting.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import itertools
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import REPO
from isollm.cli.hook import main as hook_main
from isollm.cli.launch import main as isollm_main
from isollm.config import SCHEMA_COPY
from isollm.schema.loader import load_schema
from lsp_client import LspClient
from tests import dependencies

SERVER = REPO / "tests" / "editor" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
OFFLINE = REPO / "tests" / "editor" / "offline.js"
SCHEMA_FILE = REPO / "schemas" / "isollm.schema.json"
SCHEMA = load_schema("config")
PROPS = SCHEMA["properties"]
# The server's default SchemaStore catalog download: attempted (and refused here), never needed.
CATALOG_HOSTS = {"www.schemastore.org:443", "json.schemastore.org:443"}

# One pytest-xdist worker runs the whole file, so its module-scoped fixtures run once.
pytestmark = [dependencies.program("node", "npm"), pytest.mark.xdist_group("editor")]
_names = itertools.count()

CAPABILITIES = {
    "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
    "textDocument": {"completion": {"completionItem": {"snippetSupport": True, "documentationFormat": ["markdown"]}},
                     "hover": {"contentFormat": ["markdown"]}, "publishDiagnostics": {}}}


@functools.lru_cache(maxsize=None)
def _own_network_namespace() -> list[str]:
    """``unshare -rn`` where this machine allows it (a namespace with no interface but lo, down)."""
    try:
        works = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        works = False
    return ["unshare", "-rn"] if works else []


def _install_server() -> None:
    """The README's test command is all a fresh machine runs: install the pinned server here.

    One install at a time (a lock outside the checkout): npm ci empties node_modules first, so
    a second pytest process seeing no server yet must wait for the first, not start its own."""
    prefix = SERVER.parents[3]
    lock = Path(tempfile.gettempdir()) / f"isollm-editor-npm-{hashlib.sha1(str(prefix).encode()).hexdigest()[:12]}.lock"
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if SERVER.exists():
            return
        npm = subprocess.run(["npm", "ci", "--prefix", str(prefix), "--no-audit", "--no-fund"],
                             capture_output=True, text=True, timeout=300)
        assert npm.returncode == 0, f"npm ci failed ({npm.returncode}):\n{npm.stdout}{npm.stderr}"


def _start(settings: dict[str, Any], cwd: Path, net_log: Path) -> LspClient:
    _install_server()
    assert SERVER.exists(), "yaml-language-server did not install: run `npm ci --prefix tests/editor`"
    command = [*_own_network_namespace(), "node", "--require", str(OFFLINE), str(SERVER), "--stdio"]
    client = LspClient(command, settings, cwd, env={**os.environ, "ISOLLM_NET_LOG": str(net_log)})
    client.request("initialize", {"processId": None, "rootUri": cwd.as_uri(), "capabilities": CAPABILITIES})
    client.notify("initialized", {})
    return client


def _tried(net_log: Path) -> set[str]:
    """Every host:port the server tried to connect to."""
    return set(net_log.read_text().split()) if net_log.exists() else set()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LspClient, Path]]:
    workspace = tmp_path_factory.mktemp("workspace")
    settings = {"yaml": {"schemas": {SCHEMA_FILE.as_uri(): ["isollm.yaml"]},
                         "validate": True, "hover": True, "completion": True,
                         "schemaStore": {"enable": False}}}
    client = _start(settings, workspace, workspace / "net.log")
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
    # null in the enum means "left empty": the editor offers only the values to choose.
    values = [value for value in layout["enum"] if value is not None]
    assert set(values) <= set(offered)
    assert set(offered) - set(values) <= {"auto", "null"}  # the four values, or left empty
    for value, note in zip(values, layout["enumDescriptions"]):
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
    # workers out of range; an empty layout is null, which counts as not written: no problem.
    assert {d["range"]["start"]["line"] for d in _diagnostics(server, uri)} == {2}
    assert {"auto", "grid"} <= set(_completion(server, uri, 4, 10))


# -- the config `isollm init` writes, as written, with no settings and no network ---------

@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LspClient, Path, Path]]:
    """(server with no settings, the project `isollm init` made, the server's network log)."""
    project = tmp_path_factory.mktemp("clone") / "demo"
    project.mkdir()
    here = os.getcwd()
    os.chdir(project)
    try:
        assert isollm_main(["init", "--name", "demo"]) == 0
    finally:
        os.chdir(here)
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # neither the workspace nor the cwd is the project
    net_log = elsewhere / "net.log"
    client = _start({}, elsewhere, net_log)  # every workspace/configuration is answered with null
    yield client, project, net_log
    client.close()


def _open_as_written(client: LspClient, path: Path) -> tuple[str, list[str]]:
    text = path.read_text()
    client.notify("textDocument/didOpen",
                  {"textDocument": {"uri": path.as_uri(), "languageId": "yaml", "version": 1, "text": text}})
    return path.as_uri(), text.splitlines()


def _edit(client: LspClient, uri: str, text: str, version: int) -> None:
    """The user types: the whole new text (the modeline untouched)."""
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                             "contentChanges": [{"text": text}]})


def test_init_heads_the_config_with_the_relative_modeline(initialised) -> None:
    _, project, _ = initialised
    assert (project / "isollm.yaml").read_text().splitlines()[0] == f"# yaml-language-server: $schema={SCHEMA_COPY}"
    assert (project / SCHEMA_COPY).read_bytes() == SCHEMA_FILE.read_bytes()


def test_the_config_init_writes_is_clean_and_checked(initialised) -> None:
    client, project, _ = initialised
    uri, lines = _open_as_written(client, project / "isollm.yaml")
    assert client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)["diagnostics"] == []
    # An out-of-range value, typed by the user: flagged on its own line with the schema's bound.
    workers = next(i for i, line in enumerate(lines) if line.startswith("workers:"))
    edited = [*lines]
    edited[workers] = f"workers: {PROPS['workers']['maximum'] + 1}"
    _edit(client, uri, "\n".join(edited) + "\n", 2)
    params = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri and p["diagnostics"])
    assert [d["range"]["start"]["line"] for d in params["diagnostics"]] == [workers]
    assert str(PROPS["workers"]["maximum"]) in params["diagnostics"][0]["message"]
    assert params["diagnostics"][0]["data"]["schemaUri"] == [(project / SCHEMA_COPY).as_uri()]


def test_completion_offers_keys_and_layouts(initialised) -> None:
    client, project, _ = initialised
    uri, lines = _open_as_written(client, project / "isollm.yaml")

    def offered(line: int, character: int) -> set[str]:
        result = client.request("textDocument/completion", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
        return {item["label"] for item in (result["items"] if isinstance(result, dict) else result or [])}

    layout = next(i for i, line in enumerate(lines) if line.strip().startswith("layout:"))
    assert {v for v in PROPS["zellij"]["properties"]["layout"]["enum"] if v is not None} <= offered(layout, len("  layout: "))
    # init writes every key but setup_script: at a key, the server offers the keys still free.
    project_line = next(i for i, line in enumerate(lines) if line.startswith("project:"))
    assert {"project", "setup_script"} <= offered(project_line, 0)
    assert "workers" not in offered(project_line, 0)


def test_hover_shows_the_schema_description(initialised) -> None:
    client, project, _ = initialised
    uri, lines = _open_as_written(client, project / "isollm.yaml")
    workers = next(i for i, line in enumerate(lines) if line.startswith("workers:"))
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": workers, "character": 2}})
    assert PROPS["workers"]["markdownDescription"] in hover["contents"]["value"]


def test_the_server_needed_nothing_from_the_network(initialised) -> None:
    client, project, net_log = initialised
    # The probe works: a schema named by URL is tried (and cannot be had) ...
    probe = project / "probe.yaml"
    probe.write_text("# yaml-language-server: $schema=https://schemas.example.invalid/x.json\nproject: demo\n")
    uri, _ = _open_as_written(client, probe)
    params = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri and p["diagnostics"])
    assert "Unable to load schema" in params["diagnostics"][0]["message"]
    assert "schemas.example.invalid:443" in _tried(net_log)
    # ... and for isollm.yaml nothing was: only the server's own catalog download, which it does not need.
    assert _tried(net_log) - {"schemas.example.invalid:443"} <= CATALOG_HOSTS


def test_after_a_clone_the_readme_says_what_to_run(initialised, tmp_path: Path) -> None:
    """A clone has no schema copy (.isollm/ is not committed): the server's complaint is the one the
    README quotes, and the command the README gives there makes the file checked again."""
    client, project, _ = initialised
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    after_cloning = readme.split("## Editor", 1)[1].split("**After cloning**", 1)[1].split("\n- **", 1)[0]
    (command,) = re.findall(r"```sh\n(.*?)```", after_cloning, re.DOTALL)
    clone = tmp_path / "clone"
    clone.mkdir()
    text = (project / "isollm.yaml").read_text().replace("workers: 3", "workers: 0")
    (clone / "isollm.yaml").write_text(text)
    uri, _ = _open_as_written(client, clone / "isollm.yaml")
    params = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri and p["diagnostics"])
    message = params["diagnostics"][0]["message"]
    assert re.fullmatch(r"Unable to load schema from '.*/\.isollm/isollm\.schema\.json': No content\.", message), message
    assert "`Unable to load schema from '.../.isollm/isollm.schema.json': No content.`" in after_cloning

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "isollm").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m isollm "$@"\n')
    (bin_dir / "isollm").chmod(0o755)
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=60)
    assert (clone / SCHEMA_COPY).read_bytes() == SCHEMA_FILE.read_bytes()

    # The server keeps a schema it could not load as failed: restarted, as the README says, it reads the copy.
    assert "restart the language server" in " ".join(after_cloning.split())
    restarted = _start({}, tmp_path, tmp_path / "net.log")
    try:
        _open_as_written(restarted, clone / "isollm.yaml")
        params = restarted.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
        assert [d["message"] for d in params["diagnostics"]] != []
        assert str(PROPS["workers"]["minimum"]) in params["diagnostics"][0]["message"]
    finally:
        restarted.close()


# -- config edit: the copy the editor opens is still associated with the schema ------------

EDITOR = """\
import os, sys, time
with open(os.environ["EDITED_PATH"], "w") as handle:
    handle.write(os.path.abspath(sys.argv[-1]))
while not os.path.exists(os.environ["EDITED_PATH"] + ".done"):
    time.sleep(0.05)
"""


def test_the_copy_config_edit_opens_is_checked_by_the_editor(initialised, tmp_path: Path) -> None:
    client, project, net_log = initialised
    script, edited_path = tmp_path / "editor.py", tmp_path / "edited"
    script.write_text(EDITOR)
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "VISUAL": f"{sys.executable} {script}", "EDITED_PATH": str(edited_path)}
    edit = subprocess.Popen([sys.executable, "-m", "isollm", "config", "edit"], cwd=project, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not edited_path.exists() or not edited_path.read_text():
            assert edit.poll() is None and time.monotonic() < deadline, edit.communicate()
            time.sleep(0.05)
        copy = Path(edited_path.read_text())
        assert copy.name == "isollm.yaml" and copy.parent.parent == project / ".isollm"
        uri, lines = _open_as_written(client, copy)
        workers = next(i for i, line in enumerate(lines) if line.startswith("workers:"))
        lines[workers] = "workers: 0"
        _edit(client, uri, "\n".join(lines) + "\n", 2)
        params = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri and p["diagnostics"])
        assert [d["range"]["start"]["line"] for d in params["diagnostics"]] == [workers]
        assert str(PROPS["workers"]["minimum"]) in params["diagnostics"][0]["message"]
    finally:
        Path(f"{edited_path}.done").touch()
        out, err = edit.communicate(timeout=30)
    assert edit.returncode == 0, err
    assert "No changes made" in out
    assert not copy.parent.exists()  # the copy and its schema copy are gone
    assert _tried(net_log) <= CATALOG_HOSTS | {"schemas.example.invalid:443"}


# -- the editor flags what the hook flags: the grammars are standard patterns -----------------

@pytest.mark.parametrize(("key", "line", "rule"), [
    ("  base_branch:", "  base_branch: a..b", "cannot contain '..'"),
    ("  host:", "  host: 'bad host!'", "contains whitespace"),
    ("image:", "image: 'ubuntu 24.04'", "contains whitespace"),
    ("  host:", "  host: '::1'", "goes in brackets"),
])
def test_the_editor_flags_what_the_hook_flags(initialised, capsys: pytest.CaptureFixture[str],
                                              key: str, line: str, rule: str) -> None:
    client, project, _ = initialised
    lines = (project / "isollm.yaml").read_text().splitlines()
    where = next(i for i, text in enumerate(lines) if text.startswith(key + " "))
    lines[where] = line
    variant = project / f"variant{next(_names)}.yaml"  # beside isollm.yaml: the same modeline resolves
    variant.write_text("\n".join(lines) + "\n")
    uri, _ = _open_as_written(client, variant)
    params = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri and p["diagnostics"])
    assert [(d["range"]["start"]["line"], rule in d["message"]) for d in params["diagnostics"]] == [(where, True)]
    # The hook says the same, at the same place.
    assert hook_main([str(variant)]) == 1
    (error,) = [text for text in capsys.readouterr().err.splitlines() if ": error: " in text]
    assert error.startswith(f"{variant}:{where + 1}:") and rule in error


def test_the_editor_accepts_what_the_hook_accepts(initialised) -> None:
    client, project, _ = initialised
    text = (project / "isollm.yaml").read_text()
    for old, new in [("host: localhost", "host: '[::1]'"), ("base_branch: main", "base_branch: release/1.x"),
                     ("image: ubuntu:24.04", "image: ghcr.io/acme/dev@sha256:" + "a" * 64)]:
        assert old in text
        text = text.replace(old, new)
    variant = project / f"variant{next(_names)}.yaml"
    variant.write_text(text.replace("workers: 3", "workers: 99"))
    uri, _ = _open_as_written(client, variant)
    # The schema applies to this file (99 is flagged) ...
    client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri and p["diagnostics"])
    since = client.seen
    # ... and once workers is fixed, nothing else is.
    _edit(client, uri, text, 2)
    client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri and not p["diagnostics"], since=since)
    variant.write_text(text)
    assert hook_main([str(variant)]) == 0
