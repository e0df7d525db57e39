"""``isollm lsp`` driven over stdio with the protocol's own messages, in a real subprocess.

One server process serves a module's documents (each test opens its own), as one editor would.
Its diagnostics are held equal, position for position, to ``isollm validate --format json`` on
the same text, over the example corpus and generated configs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ENTRIES, EXAMPLES, _env
from hypothesis import HealthCheck, example, given, settings
from lsp_client import LspClient, LspError
from schema_strategies import SchemaStrategies

from tests.inprocess import LAUNCH, run

from isollm.schema.loader import load_schema

pytest.importorskip("pygls")

# The editor features are another branch's module; their wire shape is tested here once it is in.

SEVERITY = {"error": 1, "warning": 2}
VALID = "project: demo\nworkers: 3\nports: ['3000', '8080:80']\n"


def start(cwd: Path) -> LspClient:
    client = LspClient([sys.executable, "-m", "isollm", "lsp"], {}, cwd, env=_env(None))
    capabilities = client.request("initialize", {"processId": os.getpid(), "rootUri": cwd.as_uri(),
                                                 "capabilities": {}})["capabilities"]
    client.notify("initialized", {})
    assert capabilities["textDocumentSync"]["change"] == 1  # full text
    return client


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LspClient]:
    client = start(tmp_path_factory.mktemp("lsp"))
    yield client
    client.close()


class Doc:
    """An editor's document on the server: open it, change it, read its diagnostics."""

    def __init__(self, client: LspClient, path: Path) -> None:
        self.client, self.path, self.uri, self.version = client, path, path.as_uri(), 0

    def published(self, since: int, version: int | None = None) -> list[dict[str, Any]]:
        found = self.client.wait_for("textDocument/publishDiagnostics",
                                     lambda p: p["uri"] == self.uri and p.get("version", version) == version,
                                     since=since, timeout=60)
        return found["diagnostics"]  # type: ignore[no-any-return]

    def open(self, text: str) -> list[dict[str, Any]]:
        since, self.version = self.client.seen, 1
        self.client.notify("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "yaml",
                                                                     "version": 1, "text": text}})
        return self.published(since, 1)

    def change(self, text: str, *, wait: bool = True) -> list[dict[str, Any]]:
        since = self.client.seen
        self.version += 1
        self.client.notify("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": self.version},
                                                      "contentChanges": [{"text": text}]})
        return self.published(since, self.version) if wait else []

    def at(self, line: int, character: int) -> dict[str, Any]:
        return {"textDocument": {"uri": self.uri}, "position": {"line": line, "character": character}}


def doc(server: LspClient, directory: Path, name: str = "isollm.yaml") -> Doc:
    directory.mkdir(parents=True, exist_ok=True)
    return Doc(server, directory / name)


def expected(entry: dict[str, Any], text: str) -> list[tuple[int, int, int, str, str]]:
    """What ``validate --format json`` says of a file, as LSP positions: lines as LSP counts
    them (YAML also breaks lines at U+0085, U+2028 and U+2029), UTF-16 columns."""
    yaml_starts = [0, *(m.end() for m in re.finditer("\r\n|[\r\n\x85\u2028\u2029]", text))]
    out = []
    for kind in ("errors", "warnings"):
        for problem in entry[kind]:
            line = (problem["line"] or 1) - 1
            offset = min(yaml_starts[min(line, len(yaml_starts) - 1)] + (problem["column"] or 1) - 1, len(text))
            before = re.split(r"\r\n|\r|\n", text[:offset])
            out.append((len(before) - 1, len(before[-1].encode("utf-16-le")) // 2, SEVERITY[kind[:-1]],
                        problem["message"], problem["keyword"]))
    if entry["errors_not_listed"]:
        out.append((0, 0, 3, f"... and {entry['errors_not_listed']} more problems", "leftOut"))
    return sorted(out)


def shown(diagnostics: list[dict[str, Any]]) -> list[tuple[int, int, int, str, str]]:
    out = []
    for d in diagnostics:
        assert d["source"] == "isollm"
        message = d["message"].split(" (only the first")[0] if d["code"] == "leftOut" else d["message"]
        out.append((d["range"]["start"]["line"], d["range"]["start"]["character"], d["severity"], message, d["code"]))
    return sorted(out)


def validate_json(paths: list[Path]) -> dict[str, Any]:
    result = run(LAUNCH, "validate", "--format", "json", "--", *map(str, paths))
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def corpus() -> list[Path]:
    return sorted(p for folder in ("valid", "invalid", "go") for p in (EXAMPLES / folder).glob("*.yaml"))


# -- diagnostics: the check stage's, as validate reports them -------------------------------

def test_diagnostics_equal_validate_json_over_the_examples(server: LspClient, tmp_path: Path) -> None:
    texts = {}
    for source in corpus():
        try:
            text = source.read_bytes().decode("utf-8")
        except UnicodeDecodeError:  # an editor sends text: bytes that are not are not a document
            continue
        target = tmp_path / source.parent.name / source.stem / "isollm.yaml"
        target.parent.mkdir(parents=True)
        target.write_text(text, encoding="utf-8", newline="")
        texts[target] = text.removeprefix("\ufeff")
    assert len(texts) > 30
    report = validate_json(list(texts))
    assert any(not entry["valid"] for entry in report["files"]) and any(e["valid"] for e in report["files"])
    for entry, (path, text) in zip(report["files"], texts.items(), strict=True):
        assert Path(entry["path"]) == path
        assert shown(Doc(server, path).open(text)) == expected(entry, text), path


STRATEGIES = SchemaStrategies(load_schema("config"))


@pytest.fixture(scope="module")
def generated(server: LspClient, tmp_path_factory: pytest.TempPathFactory) -> Doc:
    document = doc(server, tmp_path_factory.mktemp("generated"))
    document.open("")
    return document


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STRATEGIES.configs())
@example({"project": "my-app", "claude": {"command": "\u2028"}, "setup_script": ""})  # a line YAML alone breaks
def test_diagnostics_equal_validate_json_over_generated_configs(generated: Doc, config: dict[str, Any]) -> None:
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    generated.path.write_text(text, encoding="utf-8", newline="")
    (entry,) = validate_json([generated.path])["files"]
    assert shown(generated.change(text)) == expected(entry, text)


def test_problems_past_the_listed_ones_are_counted_once_at_the_top(server: LspClient, tmp_path: Path) -> None:
    text = "project: demo\nports:\n" + "".join(f"  - 'x{i}'\n" for i in range(130))
    path = tmp_path / "isollm.yaml"
    path.write_text(text)
    (entry,) = validate_json([path])["files"]
    assert entry["errors_not_listed"] > 0  # the probe: more problems than are listed
    found = Doc(server, path).open(text)
    assert shown(found) == expected(entry, text)
    assert found[-1]["code"] == "leftOut" and found[-1]["severity"] == 3
    assert [d["code"] for d in found].count("leftOut") == 1


def test_a_problem_s_range_covers_its_value_or_key(server: LspClient, tmp_path: Path) -> None:
    found = doc(server, tmp_path).open("project: demo\nwokers: 3\nimage: 'a b'\nworkers: 99\n")
    ranges = {d["code"]: (d["range"]["start"], d["range"]["end"]) for d in found}
    assert ranges["additionalProperties"] == ({"line": 1, "character": 0}, {"line": 1, "character": 6})
    assert ranges["maximum"] == ({"line": 3, "character": 9}, {"line": 3, "character": 11})
    image = next(d for d in found if d["range"]["start"]["line"] == 2)
    assert image["range"]["end"] == {"line": 2, "character": 12}  # the quoted value, quotes included


def test_columns_are_counted_in_the_client_s_units(server: LspClient, tmp_path: Path) -> None:
    """UTF-16 by default: an emoji before a problem counts twice."""
    found = doc(server, tmp_path).open("project: demo\nports: ['😀', 3000, 'x']\n")
    # 'x' starts at code point 19 of its line, UTF-16 unit 20.
    assert [d["range"]["start"] for d in found][-1] == {"line": 1, "character": 20}


def test_lines_are_counted_as_the_editor_counts_them(server: LspClient, tmp_path: Path) -> None:
    """YAML also breaks lines at U+2028 (LS), U+2029 and U+0085; LSP only at CR and LF."""
    found = doc(server, tmp_path).open("project: demo\na: 'x\u2028y\u2029z'\r\nworkers: 99\n")
    assert [(d["code"], d["range"]["start"], d["range"]["end"]) for d in found] == [
        ("additionalProperties", {"line": 1, "character": 0}, {"line": 1, "character": 1}),
        ("maximum", {"line": 2, "character": 9}, {"line": 2, "character": 11})]


def test_a_misnamed_config_is_told_to_be_renamed_and_other_files_are_not_served(server: LspClient,
                                                                                 tmp_path: Path) -> None:
    since = server.seen
    other = doc(server, tmp_path, "other.yaml")
    server.notify("textDocument/didOpen", {"textDocument": {"uri": other.uri, "languageId": "yaml", "version": 1,
                                                            "text": "wokers: 3\n"}})
    found = doc(server, tmp_path, "isollm.yml").open(VALID)
    assert [(d["code"], d["range"]["start"]) for d in found] == [("fileName", {"line": 0, "character": 0})]
    assert "rename isollm.yml to isollm.yaml" in found[0]["message"]
    assert not [n for n in server._seen[since:] if n["params"].get("uri") == other.uri]


def test_opening_a_config_writes_the_schema_copy_its_modeline_names(server: LspClient, tmp_path: Path) -> None:
    """After a clone nothing has written .isollm/isollm.schema.json yet: yaml-language-server,
    beside this server, could not load the schema the modeline names."""
    from isollm.names import SCHEMA_COPY
    from isollm.schema.loader import schema_bytes

    assert doc(server, tmp_path / "clone").open(f"# yaml-language-server: $schema={SCHEMA_COPY}\n{VALID}") == []
    assert (tmp_path / "clone" / SCHEMA_COPY).read_bytes() == schema_bytes("config")
    assert doc(server, tmp_path / "other").open(VALID) == []  # no modeline: nothing written
    assert not (tmp_path / "other" / ".isollm").exists()


def test_every_change_updates_and_a_burst_ends_on_the_final_text(server: LspClient, tmp_path: Path) -> None:
    document = doc(server, tmp_path)
    assert document.open(VALID) == []
    assert [d["code"] for d in document.change(VALID.replace("workers: 3", "workers: 30"))] == ["maximum"]
    # A config long enough that checking it takes a while (4,000 ports): 40 changes sent at once,
    # each one invalid but the last.
    ports = "ports:\n" + "".join(f"  - '{10000 + i}'\n" for i in range(4000))
    since = server.seen
    for index in range(40):
        document.change(f"project: demo\nworkers: {30 + index if index < 39 else 4}\n{ports}", wait=False)
    assert document.published(since, document.version) == []
    server.request("textDocument/hover", document.at(0, 0))  # a round trip: anything published is read
    published = [n["params"]["version"] for n in server._seen[since:]
                 if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == document.uri]
    # Coalesced: a check of the latest text after each check, never a queue of stale ones (one
    # check a change would publish all 40, in order).
    assert published == sorted(published) and published[-1] == document.version
    assert len(published) < 40, published


def test_closing_a_document_clears_its_diagnostics(server: LspClient, tmp_path: Path) -> None:
    document = doc(server, tmp_path)
    assert document.open("project: demo\nworkers: 99\n")
    since = server.seen
    server.notify("textDocument/didClose", {"textDocument": {"uri": document.uri}})
    cleared = server.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == document.uri, since=since)
    assert cleared["diagnostics"] == []


# -- never down ------------------------------------------------------------------------------

HOSTILE = {
    "empty": "",
    "not yaml": "project: [demo\n  : : :\n",
    "a list": "- a\n- b\n",
    "binary": "\x00\x01\x02\xff\ufffe" * 100,
    "lone surrogate": "project: \ud800\n",
    "alias bomb": "a: &a ['x','x','x','x','x','x','x','x','x']\n"
                  + "".join(f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                            for p, c in zip("abcdefgh", "bcdefghi")),
    "deep nesting": "project: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "deep blocks": "".join("  " * i + f"k{i}:\n" for i in range(500)),
    "1 MB": "project: demo\nports:\n" + "  - '3000'\n" * (1024 * 1024 // 11 - 2),
    "over 1 MB": "# " + "x" * (1024 * 1024) + "\nproject: demo\n",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_documents_get_diagnostics_and_the_server_keeps_serving(server: LspClient, tmp_path: Path,
                                                                        name: str) -> None:
    document = doc(server, tmp_path)
    assert len(HOSTILE["1 MB"].encode()) <= 1024 * 1024 < len(HOSTILE["over 1 MB"].encode())
    found = document.open(HOSTILE[name])
    assert found and found[0]["severity"] == 1, found  # each one has a problem to show
    if name == "over 1 MB":
        assert "larger than 1024 KiB" in found[0]["message"]
    assert [d["code"] for d in document.change("project: demo\nworkers: 99\n")] == ["maximum"]


def test_malformed_messages_and_unknown_documents_leave_it_serving(server: LspClient, tmp_path: Path) -> None:
    server.send_raw(b"{not json")
    server.send_raw(b'{"jsonrpc": "2.0", "id": 900, "method": "textDocument/hover", "params": {"bad": 1}}')
    server.send_raw(b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": 3}')
    server.send_raw(b"[]")
    with pytest.raises(LspError):
        server.request("isollm/noSuchMethod", {})
    unknown = Doc(server, tmp_path / "never-opened" / "isollm.yaml")
    assert server.request("textDocument/hover", unknown.at(0, 0)) is None
    assert server.request("textDocument/completion", unknown.at(0, 0)) == []
    assert server.request("textDocument/codeAction", {**unknown.at(0, 0), "range": {
        "start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": []}}) == []
    server.notify("textDocument/didChange", {"textDocument": {"uri": unknown.uri, "version": 2},
                                             "contentChanges": [{"text": "x"}]})
    server.notify("textDocument/didClose", {"textDocument": {"uri": unknown.uri}})
    assert [d["code"] for d in doc(server, tmp_path).open("project: demo\nworkers: 99\n")] == ["maximum"]


def test_what_it_cannot_read_is_logged_on_one_line_each_without_a_traceback(tmp_path: Path) -> None:
    def framed(body: bytes) -> bytes:
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    messages = [{"id": 1, "method": "initialize", "params": {"capabilities": {}}}, b"{not json",
                b'{"jsonrpc": "2.0", "id": 9, "method": "textDocument/hover", "params": {"bad": 1}}', b"[]",
                {"method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///x/isollm.yaml",
                                                                                  "version": 2},
                                                                 "contentChanges": [{"text": "x"}]}},
                {"id": 2, "method": "shutdown"}, {"method": "exit"}]
    data = b"".join(framed(m if isinstance(m, bytes) else json.dumps({"jsonrpc": "2.0", **m}).encode())
                    for m in messages)
    result = subprocess.run([sys.executable, "-m", "isollm", "lsp"], input=data, capture_output=True, cwd=tmp_path,
                            check=False,
                            env=_env(None), timeout=60)
    assert result.returncode == 0
    log = result.stderr.decode().splitlines()
    assert len(log) >= 4 and all(line.startswith("isollm lsp: ") for line in log), log
    assert "JSONDecodeError" in log[0]
    assert b'"id": 2, "jsonrpc": "2.0", "result": null' in result.stdout  # shutdown still answered


# -- the editor features' wire shape (their content: the features' own tests) -----------------

def test_completion_hover_and_code_action_answer_in_protocol_shape(server: LspClient, tmp_path: Path) -> None:
    document = doc(server, tmp_path)
    found = document.open("project: demo\nwokers: 3\n")
    items = server.request("textDocument/completion", document.at(2, 0))
    assert isinstance(items, list) and all("label" in item for item in items)
    answer = server.request("textDocument/hover", document.at(0, 2))
    assert answer is None or "contents" in answer
    actions = server.request("textDocument/codeAction", {**document.at(1, 0), "range": found[0]["range"],
                                                         "context": {"diagnostics": found}})
    assert isinstance(actions, list) and all("title" in action for action in actions)


def _applied(text: str, edit: dict[str, Any], uri: str) -> str:
    """``text`` with a WorkspaceEdit's text edits of ``uri`` applied (last first, as LSP says)."""
    edits = list(edit.get("changes", {}).get(uri, []))
    edits += [e for change in edit.get("documentChanges", []) if change.get("textDocument", {}).get("uri") == uri
              for e in change["edits"]]
    lines = text.splitlines(keepends=True)
    starts = [sum(len(line) for line in lines[:index]) for index in range(len(lines) + 1)]
    for e in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
                    reverse=True):
        start = starts[e["range"]["start"]["line"]] + e["range"]["start"]["character"]
        end = starts[e["range"]["end"]["line"]] + e["range"]["end"]["character"]
        text = text[:start] + e["newText"] + text[end:]
    return text


def test_a_quick_fix_over_the_wire_leaves_a_valid_config(server: LspClient, tmp_path: Path) -> None:
    """The diagnostics published, handed back in a codeAction request, give the rename the hook
    would want; applied and sent as the next change, the config is valid."""
    document = doc(server, tmp_path)
    text = "project: demo\nwokers: 3\n"
    (found,) = document.open(text)
    actions = server.request("textDocument/codeAction", {**document.at(1, 0), "range": found["range"],
                                                         "context": {"diagnostics": [found]}})
    (action,) = [a for a in actions if "edit" in a]
    fixed = _applied(text, action["edit"], document.uri)
    assert fixed == "project: demo\nworkers: 3\n"
    assert document.change(fixed) == []


def _utf16_offsets(text: str, edit: dict[str, Any]) -> tuple[int, int]:
    """Where an edit's range starts and ends in ``text``, its characters counted in UTF-16 units (LSP's default)."""
    lines = text.splitlines(keepends=True)

    def offset(position: dict[str, int]) -> int:
        units = lines[position["line"]].encode("utf-16-le")[:2 * position["character"]]
        return sum(len(line) for line in lines[:position["line"]]) + len(units.decode("utf-16-le"))
    return offset(edit["range"]["start"]), offset(edit["range"]["end"])


def test_edits_count_the_client_s_units_after_an_emoji(server: LspClient, tmp_path: Path) -> None:
    """The features count code points; what they send is in UTF-16: a rename that covered half an
    emoji would leave a lone surrogate in the file."""
    document = doc(server, tmp_path)
    text = "project: demo\nwokers\U0001F600: 3\nzellij:\n  layout: \U0001F600\n"
    found = [d for d in document.open(text) if d["code"] == "additionalProperties"]
    actions = server.request("textDocument/codeAction", {**document.at(1, 0), "range": found[0]["range"],
                                                         "context": {"diagnostics": found}})
    (edit,) = [a for a in actions if "edit" in a][0]["edit"]["changes"][document.uri]
    start, end = _utf16_offsets(text, edit)
    assert text[start:end] == "wokers\U0001F600" and edit["newText"] == "workers"
    items = server.request("textDocument/completion", document.at(3, 10))  # just before the emoji
    assert items and {_utf16_offsets(text, item["textEdit"]) for item in items} == {(len(text) - 2, len(text) - 1)}


def test_completion_reads_the_repository_the_document_is_in(server: LspClient, tmp_path: Path) -> None:
    """The server hands the features the document's directory: its git branches are offered."""
    import subprocess

    for args in (["init", "-q", "-b", "main"], ["commit", "-q", "--allow-empty", "-m", "start"],
                 ["branch", "release-train"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=tmp_path, check=True)
    document = doc(server, tmp_path)
    document.open("project: demo\ngit:\n  base_branch: \n")
    items = server.request("textDocument/completion", document.at(2, 15))
    assert "release-train" in [item["label"] for item in items]


# -- the process ------------------------------------------------------------------------------

def test_shutdown_then_exit_ends_it_with_status_0_and_exit_alone_with_1(tmp_path: Path) -> None:
    client = start(tmp_path)
    assert client.request("shutdown", None) is None
    client.notify("exit", None)
    assert client.process.wait(timeout=30) == 0
    client = start(tmp_path)
    client.notify("exit", None)
    assert client.process.wait(timeout=30) == 1


def test_without_the_extra_it_says_how_to_install_it(isollm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pygls", None)  # what a missing package looks like to import
    result = isollm("lsp")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "error: isollm lsp needs the lsp extra: pip install 'isollm-toolkit[lsp]'\n"


@pytest.mark.parametrize("entry", ["isollm", "hook"])
def test_validating_never_imports_the_language_server(entry: str, tmp_path: Path) -> None:
    from conftest import _process_runner

    (tmp_path / "isollm.yaml").write_text(VALID.replace("workers: 3", "workers: 99"))
    args = ("validate", "isollm.yaml") if entry == "isollm" else ("isollm.yaml",)
    result = _process_runner(ENTRIES[entry][0])(*args, cwd=tmp_path, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 1
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in result.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    assert "isollm" in imported  # the probe works
    assert not imported & {"pygls", "lsprotocol", "isollm.lsp"}
    assert not any(" isollm.lsp" in line for line in result.stderr.splitlines())
