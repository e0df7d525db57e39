"""The language server's editor features, called directly: completion, hover and quick fixes.

Quick fixes are judged the way a user would: their edits applied to the text, the result run
through the one check stage (``check_config``): the problem is gone and no new one appears.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
import lsprotocol.types as lsp
from hypothesis import strategies as st

from isollm.check import check_config
from isollm.docgen import render
from isollm.lsp import features
from isollm.schema.loader import load_schema
from tests import dependencies
from tests.conftest import EXAMPLES, REPO


SCHEMA = load_schema("config")
PROPERTIES = SCHEMA["properties"]


def _cursor(text: str) -> tuple[str, int, int]:
    """``text`` without its last ``|`` (the cursor), and the cursor's 0-based line and character."""
    before, after = text.rsplit("|", 1)
    return before + after, before.count("\n"), len(before.rsplit("\n", 1)[-1])


def _complete(text: str, root: Path | None = None) -> list[str]:
    return [item.label for item in features.completions(*_cursor(text), root)]


def _hover(text: str) -> str | None:
    found = features.hover(*_cursor(text))
    return None if found is None else found.contents.value


def _diagnostics(text: str, name: str = "isollm.yaml") -> list[lsp.Diagnostic]:
    """The diagnostics of ``text`` as the server publishes them (the agreed contract)."""
    checked = check_config(text, name)
    return [lsp.Diagnostic(range=lsp.Range(lsp.Position((i.line or 1) - 1, (i.column or 1) - 1),
                                           lsp.Position((i.line or 1) - 1, (i.column or 1) - 1)),
                           message=i.message, severity=1 if i.severity == "error" else 2,
                           source="isollm", code=i.keyword)
            for i in [*checked.errors, *checked.warnings]]


def _apply(text: str, edits: list[lsp.TextEdit]) -> str:
    """``text`` with ``edits`` applied, as an editor applies them (last first)."""
    lines = text.splitlines(keepends=True) + [""]
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: lsp.Position) -> int:
        return starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


def _problems(text: str) -> list[tuple[str, str]]:
    checked = check_config(text, "isollm.yaml")
    return sorted((i.keyword, i.message) for i in [*checked.errors, *checked.warnings])


def _fixes(text: str, name: str = "isollm.yaml") -> list[lsp.CodeAction]:
    return features.code_actions(text, f"file:///project/{name}", _diagnostics(text, name))


def _fixed(text: str, action: lsp.CodeAction) -> str:
    assert action.edit is not None and action.edit.changes is not None
    (edits,) = action.edit.changes.values()
    return _apply(text, list(edits))


# Completion


def test_top_level_offers_the_missing_keys_only():
    offered = _complete("project: demo\nworkers: 3\n|\n")
    assert offered == [key for key in PROPERTIES if key not in ("project", "workers")]


def test_top_level_on_an_empty_file_offers_every_key():
    assert _complete("|") == list(PROPERTIES)


def test_inside_a_section_its_keys_not_yet_written():
    assert _complete("project: demo\nzellij:\n  |\n") == list(PROPERTIES["zellij"]["properties"])
    assert _complete("project: demo\nzellij:\n  layout: grid\n  |\nports: []\n") == ["dashboard"]
    assert _complete("git:\n  base_branch: main\n  bra|\n") == ["branch_prefix", "upstream"]


def test_a_line_back_at_the_top_level_gets_the_top_level_keys():
    assert "zellij" not in _complete("project: demo\nzellij:\n  layout: grid\n|\n")
    assert "workers" in _complete("project: demo\nzellij:\n  layout: grid\n|\n")


def test_context_comes_from_indentation_when_the_text_is_not_yaml():
    text = "project: demo\ngit:\n  base_branch: [\n\tbad\nzellij:\n  |"
    assert check_config(text.replace("|", ""), "isollm.yaml").document is None  # not YAML
    assert _complete(text) == list(PROPERTIES["zellij"]["properties"])


def test_a_key_item_has_its_description_and_default():
    (item,) = [i for i in features.completions("project: demo\n", 1, 0, None) if i.label == "workers"]
    assert item.documentation.value == PROPERTIES["workers"]["markdownDescription"]
    assert item.detail == "default: 3"
    assert item.text_edit.new_text == "workers: "


def test_nothing_inside_a_list_or_a_text_block():
    assert _complete("ports:\n  - |\n") == []
    assert _complete("setup_script: |\n  npm install\n  |\n") == []


def test_after_layout_the_layouts():
    layouts = [value for value in PROPERTIES["zellij"]["properties"]["layout"]["enum"] if value is not None]
    assert _complete("zellij:\n  layout: |\n") == layouts
    items = features.completions("zellij:\n  layout:\n", 1, 9, None)
    assert [item.text_edit.new_text for item in items] == [" " + layout for layout in layouts]


def test_after_a_boolean_key_true_and_false():
    text, line, character = _cursor("zellij:\n  dashboard: f|\n")
    items = features.completions(text, line, character, None)
    assert [item.label for item in items] == ["true", "false"]
    fixed = _apply(text, [items[1].text_edit])
    assert fixed == "zellij:\n  dashboard: false\n"


def test_no_values_where_the_schema_lists_none():
    assert _complete("workers: |\n") == []


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


@dependencies.program("git")
def test_base_branch_offers_the_repository_branches(tmp_path):
    _git(tmp_path, "init", "-q", "-b", "trunk")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q",
         "--allow-empty", "-m", "start")
    _git(tmp_path, "branch", "release/1.10")
    _git(tmp_path, "branch", "1.10")
    _git(tmp_path, "remote", "add", "fork", "https://example.invalid/fork.git")
    _git(tmp_path, "update-ref", "refs/remotes/fork/feature", "HEAD")
    (tmp_path / "sub").mkdir()
    text, line, character = _cursor("git:\n  base_branch: |\n")
    items = features.completions(text, line, character, tmp_path / "sub")
    assert [item.label for item in items] == ["1.10", "release/1.10", "trunk", "fork/feature"]
    assert _complete("git:\n  upstream: |\n", tmp_path) == ["fork"]
    assert _apply(text, [items[1].text_edit]) == "git:\n  base_branch: release/1.10\n"
    # A branch YAML would read as a number is written quoted.
    assert _apply(text, [items[0].text_edit]) == 'git:\n  base_branch: "1.10"\n'


def test_no_branches_outside_a_repository(tmp_path):
    assert _complete("git:\n  base_branch: |\n", tmp_path) == []
    assert _complete("git:\n  upstream: |\n", None) == []


# Hover


def _key_texts() -> list[tuple[str, str]]:
    """Every key of the schema, and a config text with the cursor on it."""
    cases = []
    for key, sub in PROPERTIES.items():
        cases.append((key, f"{key[:1]}|{key[1:]}: x\n"))
        for child in sub.get("properties", {}):
            cases.append((f"{key}.{child}", f"{key}:\n  {child[:1]}|{child[1:]}: x\n"))
    return cases


@pytest.mark.parametrize(("key", "text"), _key_texts(), ids=[key for key, _ in _key_texts()])
def test_hover_on_a_key_is_its_entry_in_the_reference(key, text):
    shown = _hover(text)
    reference = render()
    assert shown is not None and shown.startswith("#") and f"`{key}`" in shown.splitlines()[0]
    assert shown in reference


def test_hover_on_an_empty_section_shows_what_it_resolves_to():
    shown = _hover("project: demo\ng|it:\n")
    assert shown is not None
    assert shown.endswith("**Left empty:** resolves to\n\n```yaml\nbase_branch: main\nbranch_prefix: isollm/\n```")


def test_hover_on_a_value_shows_what_it_resolves_to_where_that_differs():
    assert _hover("project: demo\nworkers: |~\n") == "**Left empty:** resolves to `3`"
    assert _hover("project: demo\ngit:\n  base_branch: 1.1|0\n") == \
        '**Resolves to** `"1.10"` (read as YAML alone: `1.1`)'
    assert _hover("project: demo\nairyra:\n  project: |~\n") == '**Left empty:** resolves to `"demo"`'
    assert _hover("project: demo\nworkers: |4\n") is None


def test_no_hover_on_an_unknown_key_or_outside_a_key():
    assert _hover("project: demo\nwok|ers: 3\n") is None
    assert _hover("# a com|ment\nproject: demo\n") is None


# Quick fixes


FIXED = [
    ("project: demo\nwokers: 3\n", "additionalProperties", "project: demo\nworkers: 3\n"),
    ("project: demo\ngit:\n  base_brnch: main\n", "additionalProperties", "project: demo\ngit:\n  base_branch: main\n"),
    ("project: demo\nworkers: 010\n", "leadingZero", "project: demo\nworkers: 10\n"),
    ("project: demo\r\nairyra:\r\n  port: 07432\r\n", "leadingZero", "project: demo\r\nairyra:\r\n  port: 7432\r\n"),
    ("project: demo\nports: ['08080:080']\n", "pattern", "project: demo\nports: ['8080:80']\n"),
    ("project: demo\nairyra:\n  host: 010.0.0.1\n", "pattern", "project: demo\nairyra:\n  host: 10.0.0.1\n"),
    ('project: demo\nworkers: "3"\n', "type", "project: demo\nworkers: 3\n"),
    ("project: demo\nzellij:\n  dashboard: 'false'  # off\n", "type",
     "project: demo\nzellij:\n  dashboard: false  # off\n"),
    ("project: demo\ngit:\n  base_branch: 1.10\n", "unquoted", 'project: demo\ngit:\n  base_branch: "1.10"\n'),
    ("project: demo\nclaude:\n  command: true  # c\n", "unquoted", 'project: demo\nclaude:\n  command: "true"  # c\n'),
]


@pytest.mark.parametrize(("text", "keyword", "expected"), FIXED)
def test_a_quick_fix_makes_the_obvious_change_and_the_result_is_valid(text, keyword, expected):
    (action,) = _fixes(text)
    assert action.kind == lsp.CodeActionKind.QuickFix
    assert [d.code for d in action.diagnostics] == [keyword]
    fixed = _fixed(text, action)
    assert fixed == expected
    assert _problems(fixed) == []


def test_wokers_is_renamed_to_workers():
    (action,) = _fixes("project: demo\nwokers: 3\n")
    assert action.title == 'Rename "wokers" to "workers"'
    assert check_config(_fixed("project: demo\nwokers: 3\n", action), "isollm.yaml").valid


@pytest.mark.parametrize("text", [
    "project: demo\nfoo: 3\n",  # no key is close
    "project: demo\nwokers: 3\nworkers: 4\n",  # the rename would write the key twice
    'project: demo\nworkers: "30"\n',  # unquoted, it is out of range: not one obvious fix
    "project: demo\nzellij:\n  dashboard: yes\n",  # yes is text in YAML 1.2: true or a typo?
    "project: demo\nworkers: -010\n",  # -10 is below the minimum
    "project: demo\nports: [1.5]\n",  # not a port: which one?
    "project: demo\n  bad: [\n",  # not YAML
])
def test_no_quick_fix_without_one_obvious_fix(text):
    assert _fixes(text) == []


def test_a_misnamed_file_is_renamed():
    text = "project: demo\n"
    (action,) = _fixes(text, "isollm.yml")
    (change,) = action.edit.document_changes
    assert isinstance(change, lsp.RenameFile)
    assert (change.old_uri, change.new_uri) == ("file:///project/isollm.yml", "file:///project/isollm.yaml")
    assert check_config(text, "isollm.yml").errors and check_config(text, "isollm.yaml").valid


def test_diagnostics_of_other_sources_are_left_alone():
    diagnostic = _diagnostics("project: demo\nwokers: 3\n")[0]
    diagnostic.source = "yaml-language-server"
    assert features.code_actions("project: demo\nwokers: 3\n", "file:///p/isollm.yaml", [diagnostic]) == []


@pytest.mark.parametrize("path", sorted((EXAMPLES / "invalid").glob("*.yaml")), ids=lambda p: p.name)
def test_every_fix_of_the_examples_removes_its_problem_and_adds_none(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    before = _problems(text)
    for action in _fixes(text):
        after = _problems(_fixed(text, action))
        assert len(after) < len(before)
        assert set(after) <= set(before)


# Text being typed


_PIECES = [*"ab: \t\n-#|'\"{}[]~0\r", "git", "zellij", "layout", "workers", "010", "  ", "\n  "]
_TYPED = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=_TYPED, line=st.integers(-1, 8), character=st.integers(-1, 30))
def test_any_text_and_position_get_an_answer_not_an_exception(text, line, character):
    features.completions(text, line, character, None)
    features.hover(text, line, character)
    for action in features.code_actions(text, "file:///p/isollm.yaml", _diagnostics(text)):
        assert len(_problems(_fixed(text, action))) < len(_problems(text))


def test_a_position_past_the_end_of_a_line_is_its_end():
    assert features.completions("zellij:\n  ", 1, 99, None) == features.completions("zellij:\n  ", 1, 2, None)
    assert features.completions("zellij:\n  ", 1, 99, None)


@pytest.mark.parametrize(("typed", "chosen", "expected"), [
    ("zellij:\n  lay|out: grid\n", "layout", "zellij:\n  layout: grid\n"),
    ("zellij:\n  d|\n", "dashboard", "zellij:\n  dashboard: \n"),
    ("zellij:\n  layout: g|ri  # three\n", "grid", "zellij:\n  layout: grid  # three\n"),
    ("zellij:\n  layout:|\n", "vertical", "zellij:\n  layout: vertical\n"),
    ("|\n", "git", "git:\n"),
])
def test_an_item_replaces_the_word_it_completes(typed, chosen, expected):
    text, line, character = _cursor(typed)
    (item,) = [i for i in features.completions(text, line, character, None) if i.label == chosen]
    assert _apply(text, [item.text_edit]) == expected


def test_completion_follows_the_schema(monkeypatch):
    """Keys, layouts and defaults come from the schema alone: change it and the items change."""
    import copy

    schema = copy.deepcopy(SCHEMA)
    zellij = schema["properties"]["zellij"]["properties"]
    zellij["layout"]["enum"].insert(0, "spiral")
    zellij["theme"] = {"type": "string", "default": "dark", "description": "Colours."}
    monkeypatch.setattr(features, "SCHEMA", schema)
    assert _complete("zellij:\n  layout: |\n")[0] == "spiral"
    (theme,) = [i for i in features.completions("zellij:\n  ", 1, 2, None) if i.label == "theme"]
    assert (theme.detail, theme.documentation.value) == ('default: "dark"', "Colours.")


def test_completion_and_hover_import_no_validator():
    """What runs at every keystroke stays light: jsonschema is for explaining problems."""
    code = ("import sys\nfrom isollm.lsp import features\n"
            "features.completions('project: a\\n', 1, 0, None)\n"
            "features.hover('project: a\\nworkers:\\n', 1, 1)\n"
            "print('jsonschema' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], check=False, cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
