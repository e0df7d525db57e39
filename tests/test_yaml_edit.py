"""The surgical YAML editor: one value changes, every other byte stays."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isollm.io.yaml_edit import UNSET, EditError, diff, same, set_value, unset_value
from isollm.io.yamlio import YamlError, parse_yaml

SETTINGS = settings(max_examples=int(os.environ.get("ISOLLM_FUZZ_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

CONFIG = """\
# yaml-language-server: $schema=x
# my config
project: demo   # the name
workers: 3

git:
  base_branch: 'main'  # where work starts
  # upstream: origin

ports:
  - "3000"   # web
  - "8080:80"
  # - 9000

setup_script: |
  echo hi
  echo there

claude:
  args: [--a, b]
zellij:
"""


def _lines_changed(before: str, after: str) -> list[str]:
    """The lines of ``after`` that differ, after the common head and tail are taken off."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return b[head:len(b) - tail]


@pytest.mark.parametrize(("path", "value", "changed"), [
    (["git", "base_branch"], "develop", ["  base_branch: 'develop'  # where work starts\n"]),
    (["git", "base_branch"], "it's", ["  base_branch: 'it''s'  # where work starts\n"]),
    (["workers"], 5, ["workers: 5\n"]),
    (["project"], "yes", ["project: 'yes'   # the name\n"]),        # a YAML 1.1 boolean stays a string
    (["project"], "8080", ["project: '8080'   # the name\n"]),
    (["project"], "a: b", ["project: 'a: b'   # the name\n"]),
    (["project"], "tab\there", ['project: "tab\\there"   # the name\n']),
    (["git", "upstream"], "git@github.com:a/b.git", ["  upstream: git@github.com:a/b.git\n"]),
    (["ports"], ["3000", "4000", "8080:80"], ['  - "4000"\n']),    # item by item, comments kept
    (["ports"], ["3000"], []),
    (["setup_script"], "apt-get update\napt-get install -y git\n",
     ["  apt-get update\n", "  apt-get install -y git\n"]),
    (["setup_script"], "make", ["setup_script: |-\n", "  make\n"]),
    (["claude", "args"], ["--model", "opus x"], ["  args: [--model, opus x]\n"]),  # flow stays flow
    (["zellij", "layout"], "grid", ["  layout: grid\n"]),           # a null section becomes a mapping
    (["airyra", "port"], 9000, ["airyra:\n", "  port: 9000\n"]),    # a new section at the end
])
def test_set_changes_only_that_value(path: list[str], value: Any, changed: list[str]) -> None:
    after = set_value(CONFIG, path, value)
    assert _lines_changed(CONFIG, after) == changed
    node = parse_yaml(after).data
    for part in path:
        node = node[part]
    assert same(node, value)


def test_set_removes_a_list_item_and_only_its_line() -> None:
    after = set_value(CONFIG, ["ports"], ["8080:80"])
    assert after == CONFIG.replace('  - "3000"   # web\n', "")


def test_a_new_key_goes_at_the_end_of_its_mapping_with_its_indentation() -> None:
    text = "a: 1\nb:\n    c: x\n    # about d\n\n# section z\nz: 1\n"
    assert set_value(text, ["b", "d", "e"], "deep") == \
        "a: 1\nb:\n    c: x\n    d:\n        e: deep\n    # about d\n\n# section z\nz: 1\n"


@pytest.mark.parametrize(("text", "path", "value", "expected"), [
    ("ports:\n- 1\n- 2", ["ports"], [1, 3, 2], "ports:\n- 1\n- 3\n- 2"),          # no final line break
    ("project: a", ["git", "base_branch"], "x", "project: a\ngit:\n  base_branch: x\n"),
    ("project: a\r\ngit:\r\n  base_branch: b\r\n", ["git", "upstream"], "origin",
     "project: a\r\ngit:\r\n  base_branch: b\r\n  upstream: origin\r\n"),
    ("\ufeffproject: x\n", ["workers"], 4, "\ufeffproject: x\nworkers: 4\n"),
    ('project: x\nworkers: "3"\n', ["workers"], 4, "project: x\nworkers: 4\n"),
    ('project: x\nk: "v"\n', ["k"], "it's", 'project: x\nk: "it\'s"\n'),         # double stays double
    ("project: x\nk: v\n", ["k"], "x\x01y", 'project: x\nk: "x\\x01y"\n'),
    ("project: x\nk: v\n", ["k"], "l1\u2028l2", 'project: x\nk: "l1\\Ll2"\n'),
    ("project: x\nk: ~ # c\n", ["k"], ["a", "b"], "project: x\nk: # c\n  - a\n  - b\n"),
    ("project: x\nk:\n  # - a\nz: 1\n", ["k"], ["a"], "project: x\nk:\n  - a\n  # - a\nz: 1\n"),
    ("project: x\nk:  # c\n  - a\n  - b\nz: 1\n", ["k"], [], "project: x\nk: []  # c\nz: 1\n"),
    ("project: x\nk: [a]\n", ["k"], [], "project: x\nk: []\n"),
    ("project: x\ns: 'a'   # c\nz: 1\n", ["s"], "two\nlines", "project: x\ns: |-   # c\n  two\n  lines\nz: 1\n"),
    ("project: x\ns: >\n  folded\n  text\nz: 1\n", ["s"], "new\ntext\n", "project: x\ns: |\n  new\n  text\nz: 1\n"),
    ("project: x\ns: |\n  a\n\n\nz: 1\n", ["s"], "  lead\n", "project: x\ns: |2\n    lead\n\n\nz: 1\n"),
    ("{project: x, git: {base_branch: a}}\n", ["git", "upstream"], "o",
     "{project: x, git: {base_branch: a, upstream: o}}\n"),
    ("project: x\ngit: {base_branch: a}  # c\n", ["git", "base_branch"], "b c",
     "project: x\ngit: {base_branch: b c}  # c\n"),
    ("# only comments\n", ["project"], "x", "# only comments\nproject: x\n"),
    ("", ["project"], "x", "project: x\n"),
    ("project: x\nk:\n  - a\n", ["k"], {"m": [1, 2], "n": {"o": "p"}},
     "project: x\nk:\n  m:\n    - 1\n    - 2\n  n:\n    o: p\n"),
    # Text ending in a blank line is quoted: as a block ("|+") it would take in the blank lines below it.
    ("project: x\ns: a\nz: 1\n", ["s"], "a\n\n", 'project: x\ns: "a\\n\\n"\nz: 1\n'),
    ("project: x\n", ["s"], "a\n\n", 'project: x\ns: "a\\n\\n"\n'),
    ("project: x\nk:\n  a: 1  # one\n  b: 2\n", ["k"], {"a": 1, "c": 3},
     "project: x\nk:\n  a: 1  # one\n  c: 3\n"),                             # a mapping: key by key
])
def test_set_examples(text: str, path: list[str], value: Any, expected: str) -> None:
    assert set_value(text, path, value) == expected


@pytest.mark.parametrize(("text", "path", "expected"), [
    (CONFIG, ["ports"], CONFIG.replace('ports:\n  - "3000"   # web\n  - "8080:80"\n  # - 9000\n', "")),
    (CONFIG, ["setup_script"], CONFIG.replace("setup_script: |\n  echo hi\n  echo there\n", "")),
    (CONFIG, ["project"], CONFIG.replace("project: demo   # the name\n", "")),
    (CONFIG, ["git", "base_branch"], CONFIG.replace("git:\n  base_branch: 'main'  # where work starts\n",
                                                      "git: {}\n")),   # the section stays a mapping
    (CONFIG, ["claude", "args"], CONFIG.replace("claude:\n  args: [--a, b]\n", "claude: {}\n")),
    (CONFIG, ["git", "upstream"], CONFIG),                                    # not there: nothing to do
    ("project: x\nk:\n  a: 1\n  # about b\n  b: 2\n\n# z\nz: 1\n", ["k", "b"],
     "project: x\nk:\n  a: 1\n  # about b\n\n# z\nz: 1\n"),
    ("{project: x, git: {base_branch: a, upstream: b}}\n", ["git", "upstream"],
     "{project: x, git: {base_branch: a}}\n"),
    ("project: x\n", ["project"], ""),
])
def test_unset_examples(text: str, path: list[str], expected: str) -> None:
    assert unset_value(text, path) == expected


def test_an_edit_that_would_change_other_values_is_refused() -> None:
    with pytest.raises(EditError):
        set_value("a: &x 1\nb: *x\n", ["a"], 2)  # b refers to a's anchor


def test_a_value_that_cannot_be_written_is_refused() -> None:
    with pytest.raises(YamlError, match="lone surrogate"):
        set_value("k: v\n", ["k"], "a\ud800")


def test_not_yaml_is_refused() -> None:
    with pytest.raises(YamlError):
        set_value("k: [\n", ["k"], 1)


def test_a_key_under_a_scalar_is_refused() -> None:
    with pytest.raises(EditError, match="k is not a mapping"):
        set_value("k: v\n", ["k", "x"], 1)


def test_diff() -> None:
    old = {"a": 1, "b": {"c": 1, "d": 2}, "e": [1]}
    new = {"a": 1, "b": {"c": 1, "d": 3}, "f": True}
    assert diff(old, new) == [(("e",), UNSET), (("b", "d"), 3), (("f",), True)]
    text = "a: 1\nb:\n  c: 1\n  d: 2  # d\ne: [1]\n"
    for path, value in diff(old, new):
        text = unset_value(text, path) if value is UNSET else set_value(text, path, value)
    assert text == "a: 1\nb:\n  c: 1\n  d: 3  # d\nf: true\n"


def test_same_tells_types_apart() -> None:
    assert same({"a": [1, "x"]}, {"a": [1, "x"]})
    assert not same(1, 1.0) and not same(1, True) and not same("1", 1)
    assert same(float("nan"), float("nan"))


# --- property: random configs with comments ---------------------------------------------------

_WORDS = st.sampled_from(["main", "dev", "a b", "it's", 'say "hi"', "yes", "no", "8080:80", "1:20",
                          "0o17", "x # y", "a: b", "- x", "[x]", "é", "~", "null", "true", "3", "",
                          "  lead", "trail ", "#hash", "@at", "*star", "&amp", "!bang", "%p", "a\tb"])
_STRINGS = st.one_of(_WORDS, st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12))
_SCALARS = st.one_of(_STRINGS, st.integers(-5, 70000), st.booleans())
_VALUES = st.one_of(_SCALARS, st.lists(st.one_of(_STRINGS, st.integers(1, 65535)), max_size=4))
_PLAIN = re.compile(r"[a-z][a-z0-9/.-]*")


def _scalar_text(value: Any, style: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if style == "plain" and _PLAIN.fullmatch(value) and yaml.safe_load(value) == value \
            and parse_yaml(value).data == value:
        return value
    if style in ("plain", "single") and all(" " <= c <= "~" for c in value):
        return "'" + value.replace("'", "''") + "'"
    return '"' + "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\U{ord(c):08x}" for c in value) + '"'


_STYLES = st.sampled_from(["plain", "single", "double"])
_STEPS = st.sampled_from([2, 4])
_HOW_MANY = st.integers(0, 2)
_COMMENTS = st.sampled_from(["", "# note", "#: x: y"])
_TRAILING = st.sampled_from(["", "  # why", " #"])
_ITEM_TRAILING = st.sampled_from(["", "  # item"])
_BOOLS = st.booleans()
_TOP = st.lists(st.sampled_from(["workers", "image", "setup_script", "ports"]), unique=True)
_SECTIONS = st.lists(st.sampled_from(["git", "claude", "airyra", "zellij"]), unique=True)
_SECTION_KEYS = st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, unique=True)
_SECTION_TRAILING = st.sampled_from(["", "  # section"])


@st.composite
def _documents(draw: st.DrawFn) -> tuple[str, dict[str, Any], dict[tuple[str, ...], tuple[int, int]],
                                         dict[tuple[str, ...], int]]:
    """(text, data, the lines of each leaf (first, last), where a new key of each mapping goes)."""
    step = draw(_STEPS)
    lines: list[str] = []
    data: dict[str, Any] = {}
    leaves: dict[tuple[str, ...], tuple[int, int]] = {}
    ends: dict[tuple[str, ...], int] = {}

    def comments(indent: int) -> None:
        for _ in range(draw(_HOW_MANY)):
            comment = draw(_COMMENTS)
            lines.append(" " * indent + comment if comment else "")

    def entry(path: tuple[str, ...], indent: int, value: Any) -> None:
        pad, key = " " * indent, path[-1]
        trailing = draw(_TRAILING)
        first = len(lines)
        if isinstance(value, list) and value and draw(_BOOLS):  # a block list
            offset = step if draw(_BOOLS) else 0
            lines.append(f"{pad}{key}:{trailing}")
            for index, item in enumerate(value):
                if index:
                    comments(indent + offset)
                lines.append(f"{pad}{' ' * offset}- {_scalar_text(item, draw(_STYLES))}" + draw(_ITEM_TRAILING))
        elif isinstance(value, list):
            items = ", ".join(_scalar_text(item, "double" if isinstance(item, str) else "plain") for item in value)
            lines.append(f"{pad}{key}: [{items}]{trailing}")
        else:
            lines.append(f"{pad}{key}: {_scalar_text(value, draw(_STYLES))}{trailing}")
        leaves[path] = (first, len(lines) - 1)

    top = draw(_TOP)
    sections = draw(_SECTIONS)
    comments(0)
    data["project"] = draw(_SCALARS)
    entry(("project",), 0, data["project"])
    for name in top:
        comments(0)
        data[name] = draw(_VALUES)
        entry((name,), 0, data[name])
    for section in sections:
        comments(0)
        lines.append(f"{section}:" + draw(_SECTION_TRAILING))
        data[section] = {}
        for key in draw(_SECTION_KEYS):
            comments(step)
            data[section][key] = draw(_VALUES)
            entry((section, key), step, data[section][key])
        ends[(section,)] = len(lines)
    ends[()] = len(lines)
    comments(0)
    return "\n".join(lines) + "\n", data, leaves, ends




def _at(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@SETTINGS
@given(document=_documents(), value=_VALUES, pick=st.integers(0, 1000))
def test_set_then_get_returns_the_value_and_keeps_every_other_line(
        document: tuple[str, dict[str, Any], dict[tuple[str, ...], tuple[int, int]], dict[tuple[str, ...], int]],
        value: Any, pick: int) -> None:
    text, data, leaves, _ = document
    assert same(parse_yaml(text).data, data)
    path = sorted(leaves)[pick % len(leaves)]
    after = set_value(text, path, value)
    assert same(_at(parse_yaml(after).data, path), value)
    first, last = leaves[path]
    old, new = text.splitlines(keepends=True), after.splitlines(keepends=True)
    below = len(old) - last - 1
    assert new[:first] == old[:first]
    assert new[len(new) - below:] == old[last + 1:]


@SETTINGS
@given(document=_documents(), value=_VALUES,
       path=st.sampled_from([("git", "d"), ("claude", "d"), ("airyra", "d"), ("zellij", "d"), ("new", "d"),
                             ("fresh",)]))
def test_a_new_key_is_added_at_the_end_of_its_mapping_and_nothing_else_changes(
        document: tuple[str, dict[str, Any], dict[tuple[str, ...], tuple[int, int]], dict[tuple[str, ...], int]],
        value: Any, path: tuple[str, ...]) -> None:
    text, data, _, ends = document
    after = set_value(text, path, value)
    assert same(_at(parse_yaml(after).data, path), value)
    at = ends[path[:-1]] if path[0] in data else ends[()]  # a missing section goes at the end
    old, new = text.splitlines(keepends=True), after.splitlines(keepends=True)
    added = len(new) - len(old)
    assert added >= 1
    assert new[:at] == old[:at] and new[at + added:] == old[at:]


@SETTINGS
@given(document=_documents(), pick=st.integers(0, 1000))
def test_unset_removes_the_key_lines_and_nothing_else(
        document: tuple[str, dict[str, Any], dict[tuple[str, ...], tuple[int, int]], dict[tuple[str, ...], int]],
        pick: int) -> None:
    text, data, leaves, _ = document
    # The last key of a section turns the section into {} instead (tested above).
    paths = sorted(p for p in leaves if len(p) == 1 or len(data[p[0]]) > 1)
    path = paths[pick % len(paths)]
    after = unset_value(text, path)
    first, last = leaves[path]
    old = text.splitlines(keepends=True)
    assert after.splitlines(keepends=True) == old[:first] + old[last + 1:]
    expected = parse_yaml(text).data
    node = expected
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    assert same(parse_yaml(after).data, expected if expected else None)


# --- flow collections, aliases, duplicate keys (issue 16) ---------------------------------------

FLOW = """\
project: demo
claude: {
  command: x,  # c1
  args: [--a, b],  # c2
}
git: {branch_prefix: "w/", base_branch: 'main'}  # g
"""


@pytest.mark.parametrize(("path", "value", "expected"), [
    (["claude", "command"], "y", FLOW.replace("command: x,", "command: y,")),
    (["claude", "args"], ["--b"], FLOW.replace("args: [--a, b],", "args: [--b],")),
    (["git", "base_branch"], "dev", FLOW.replace("'main'", "'dev'")),        # the other value keeps its quotes
    (["git", "upstream"], "o", FLOW.replace("'main'}", "'main', upstream: o}")),
    (["claude", "model"], "m", FLOW.replace("args: [--a, b],", "args: [--a, b], model: m,")),
])
def test_a_change_inside_a_flow_mapping_keeps_the_other_entries_and_comments(
        path: list[str], value: Any, expected: str) -> None:
    assert set_value(FLOW, path, value) == expected


@pytest.mark.parametrize(("path", "expected"), [
    (["claude", "command"], FLOW.replace("  command: x,  # c1\n", "")),     # its line and comment go
    (["claude", "args"], FLOW.replace("  args: [--a, b],  # c2\n", "")),
    (["git", "branch_prefix"], FLOW.replace('branch_prefix: "w/", ', "")),
    (["git", "base_branch"], FLOW.replace(", base_branch: 'main'", "")),
    (["claude", "nothing"], FLOW),
])
def test_unset_inside_a_flow_mapping(path: list[str], expected: str) -> None:
    assert unset_value(FLOW, path) == expected


def test_a_key_under_an_alias_is_refused_in_one_line() -> None:
    text = "project: demo\nz: &z\n  layout: auto\nzellij: *z\n"
    for edit in (lambda: set_value(text, ["zellij", "layout"], "grid"),
                 lambda: unset_value(text, ["zellij", "layout"])):
        with pytest.raises(EditError, match=r"^zellij is an alias \(\*z\) of a value written elsewhere"):
            edit()
    assert set_value(text, ["zellij"], {"layout": "grid"}) == \
        "project: demo\nz: &z\n  layout: auto\nzellij:\n  layout: grid\n"   # written out in full


def test_a_key_written_twice_is_refused_but_can_be_unset() -> None:
    with pytest.raises(EditError, match=r"workers is written twice \(lines 2 and 3\)"):
        set_value("project: demo\nworkers: 3\nworkers: 4\n", ["workers"], 5)
    assert unset_value("project: demo\nworkers: 3  # a\nimage: x\nworkers: 4\n", ["workers"]) == "project: demo\nimage: x\n"
    assert unset_value("project: demo\ngit:\n  a: 1\n  a: 2\n  b: 3\n", ["git", "a"]) == "project: demo\ngit:\n  b: 3\n"
