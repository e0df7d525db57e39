"""Property: ``config set``/``unset`` and ``save()`` over configs written in many YAML styles.

Each generated file mixes block and flow sections (flow across lines with a comment on
every entry), anchors and aliases (a whole value as an alias), quoted keys, null sections,
CRLF line endings, a byte order mark and a key written twice; every comment carries a tag
naming the key it belongs to (``-`` for a comment of its own). Whatever the edit, either it is refused and
the file is byte for byte as it was, or only that key changed (the rest reads the same),
every comment of another key is still there, and the file has no problem it did not have.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from isollm import config as cfg
from isollm.cli.commands import config as config_commands
from isollm.cli.front import guarded
from isollm.errors import ConfigError, IsollmError, ValidationError
from isollm.io.yaml_edit import same
from isollm.io.yamlio import decode_utf8, parse_yaml

SETTINGS = settings(max_examples=int(os.environ.get("ISOLLM_FUZZ_EXAMPLES", "60")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# The text of each value as it may be written in a file (valid and invalid alike).
WRITTEN = {
    "project": ["demo", '"demo"', "'my-app'"],
    "workers": ["3", "3", "99", '"4"'],
    "image": ["ubuntu:24.04", "'debian'"],
    "setup_script": ['"make"', "|\n  echo hi\n  make"],
    "ports": ['["3000", 8080]', "[]", "- \"3000\"\n- 9000"],
    "git.base_branch": ["main", "'develop'"],
    "git.branch_prefix": ['"w/"', "ai/"],
    "git.upstream": ["origin"],
    "claude.command": ["claude", '"run #1"'],
    "claude.args": ['[--a, "b c"]', "- --x\n- 'y'"],
    "airyra.host": ["localhost"],
    "airyra.port": ["7432", "9000"],
    "zellij.layout": ["grid", "auto", "sideways"],
    "zellij.dashboard": ["true", "false"],
}
SECTIONS = ["git", "claude", "airyra", "zellij"]
TOP = ["workers", "image", "setup_script", "ports"]
# What a user may type after ``config set KEY``.
TYPED = ["4", "07", "~", "# 8", "1e3", "25", "main", "a b", "'q'", "yes", "8080:80", "x # y", "null", "true",
         '["3000", "8080:80"]', "[]", "[7432]", "grid", "7433", "{base_branch: dev}", "it's", "é", " lead", "w/",
         "two\nlines", "kept\n\n", "\tx"]
KEYS = [*WRITTEN, *SECTIONS, "wokers", "git.tpyo", "zellij.nope"]
_RARELY = st.sampled_from([False, False, False, False, True])
TAG = re.compile(r"# (c\d+) (\S+)")


class _Writer:
    """Builds a config's text, numbering the comments."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.count = 0
        self.lines: list[str] = []

    def comment(self, tag: str) -> str:
        self.count += 1
        return f"# c{self.count} {tag}"

    def trailing(self, tag: str) -> str:
        return "  " + self.comment(tag) if self.draw(st.booleans()) else ""

    def free(self, indent: str, within: str = "-") -> None:
        """Perhaps a comment line of its own (inside a section: one of that section's)."""
        if self.draw(st.integers(0, 3)) == 0:
            self.lines.append(indent + self.comment(within))

    def key(self, name: str) -> str:
        return self.draw(st.sampled_from([name, name, f'"{name}"', f"'{name}'"]))

    def block_entry(self, indent: str, dotted: str, value: str) -> None:
        """``key: value`` at ``indent``; a block list or a ``|`` block below the key."""
        self.free(indent, dotted.rpartition(".")[0] or "-")
        head = f"{indent}{self.key(dotted.split('.')[-1])}:"
        if value.startswith("- "):
            offset = self.draw(st.sampled_from(["", "  "]))
            self.lines.append(head + self.trailing(dotted))
            for index, item in enumerate(value.split("\n")):
                if index and self.draw(st.booleans()):
                    self.lines.append(indent + offset + self.comment(dotted))
                self.lines.append(indent + offset + item + self.trailing(dotted))
        elif value.startswith("|"):
            first, *rest = value.split("\n")
            self.lines.append(f"{head} {first}" + self.trailing(dotted))
            self.lines.extend(indent + line for line in rest)
        else:
            self.lines.append(f"{head} {value}" + self.trailing(dotted))


def _flowable(value: str) -> bool:
    return not value.startswith(("- ", "|"))


@st.composite
def configs(draw: st.DrawFn) -> bytes:
    w = _Writer(draw)
    anchored = draw(st.booleans())
    w.block_entry("", "project", ("&p " if anchored else "") + draw(st.sampled_from(WRITTEN["project"])))
    args_anchor = None
    for name in draw(st.lists(st.sampled_from(TOP), unique=True)):
        w.block_entry("", name, draw(st.sampled_from(WRITTEN[name])))
    if draw(_RARELY):  # a broken file: set and unset must still work
        w.block_entry("", "wokers", "3")
    for section in draw(st.lists(st.sampled_from(SECTIONS), unique=True)):
        keys = [k for k in WRITTEN if k.startswith(section + ".")]
        chosen = draw(st.lists(st.sampled_from(keys), unique=True))
        values = {k: draw(st.sampled_from(WRITTEN[k])) for k in chosen}
        style = draw(st.sampled_from(["block", "flow", "lines", "null", "alias"]))
        if style == "null":
            values = {}
        if section == "airyra" and anchored and draw(st.booleans()):
            values["airyra.project"] = "*p"
        if section == "claude" and "claude.args" in values and _flowable(values["claude.args"]) \
                and args_anchor is None and draw(st.booleans()):
            values["claude.args"] = "&a " + values["claude.args"]
            args_anchor = "a"
        if section == "git" and draw(_RARELY):
            values["git.tpyo"] = "x"
        w.free("")
        head = w.key(section) + ":"
        if style == "null" or not values:
            w.lines.append(head + draw(st.sampled_from(["", " ~", " null"])) + w.trailing(section))
        elif style == "alias" and section == "zellij":
            w.lines.append("x-z: &z {layout: grid}")
            w.lines.append(f"{head} *z" + w.trailing(section))
        elif style == "flow" and all(map(_flowable, values.values())):
            entries = ", ".join(f"{w.key(k.split('.')[-1])}: {v}" for k, v in values.items())
            w.lines.append(f"{head} {{{entries}}}" + w.trailing(section))
        elif style == "lines" and all(map(_flowable, values.values())):
            w.lines.append(f"{head} {{" + w.trailing(section))
            for index, (k, v) in enumerate(values.items()):
                comma = "," if index < len(values) - 1 or draw(st.booleans()) else ""
                w.lines.append(f"  {w.key(k.split('.')[-1])}: {v}{comma}" + w.trailing(k))
            w.lines.append("}")
        else:
            w.lines.append(head + w.trailing(section))
            for k, v in values.items():
                w.block_entry("  ", k, v)
    if draw(_RARELY):
        w.block_entry("", "image", "debian:12")  # perhaps a key written twice
    if args_anchor and draw(st.booleans()):
        w.lines.append("ports: *a" + w.trailing("ports"))  # a whole value as an alias
    w.free("")
    text = "\n".join(w.lines) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode("utf-8")


def _data(raw: bytes) -> Any:
    return parse_yaml(decode_utf8(raw)).data


def _problems(raw: bytes) -> set[tuple[str, str, str]]:
    try:
        config = cfg.parse_config_text(decode_utf8(raw), "x.yaml")
    except ConfigError as error:
        return {("", "load", error.message)}
    return {(i.pointer, i.keyword, re.sub(r"[0-9]+", "#", i.message)) for i in config.issues(None)}


def _comments(raw: bytes) -> dict[str, str]:
    return dict(TAG.findall(decode_utf8(raw)))


def _kept_comments(before: bytes, after: bytes, dotted: str) -> None:
    """Every comment of another key, and every comment of its own, is still there."""
    left = _comments(after)
    for number, tag in _comments(before).items():
        if tag == dotted or tag.startswith(dotted + "."):
            continue
        assert left.get(number) == tag, (number, tag, after.decode("utf-8"))


def _expected(data: Any, parts: tuple[str, ...], value: Any) -> Any:
    expected = copy.deepcopy(data) if data is not None else {}
    node = expected
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    if value is _UNSET:
        node.pop(parts[-1], None)
        if not expected:
            return None
    else:
        node[parts[-1]] = value
    return expected


_UNSET = object()


@contextlib.contextmanager
def _project(raw: bytes) -> Any:
    # contextlib.chdir is Python 3.11's; the suite runs on 3.10 too.
    previous = os.getcwd()
    with tempfile.TemporaryDirectory() as directory:
        os.chdir(directory)
        try:
            path = Path(directory) / cfg.CONFIG_FILE_NAME
            path.write_bytes(raw)
            yield path
        finally:
            os.chdir(previous)


def _check(before: bytes, after: bytes, status: int, parts: tuple[str, ...], value: Any) -> None:
    event("refused" if status else "unchanged" if after == before else "changed")
    if status != 0 or after == before:
        assert after == before
        return
    assert same(_data(after), _expected(_data(before), parts, value)), after.decode("utf-8")
    _kept_comments(before, after, ".".join(parts))
    assert _problems(after) <= _problems(before), after.decode("utf-8")


@SETTINGS
@given(raw=configs(), key=st.sampled_from(KEYS), typed=st.sampled_from(TYPED))
def test_config_set(raw: bytes, key: str, typed: str) -> None:
    with _project(raw) as path:
        status = guarded(lambda: config_commands.set_value(key, typed))
        after = path.read_bytes()
    value: Any = None
    if status == 0 and after != raw:
        parts, schema = config_commands.resolve_key(key)
        value = config_commands.parse_value(key, typed, schema)
    _check(raw, after, status, tuple(key.split(".")), value)


@SETTINGS
@given(raw=configs(), key=st.sampled_from(KEYS))
def test_config_unset(raw: bytes, key: str) -> None:
    with _project(raw) as path:
        status = guarded(lambda: config_commands.unset_value(key))
        after = path.read_bytes()
    parts = tuple(key.split("."))
    if status == 0 and after != raw and len(parts) > 1 and list(_data(raw)[parts[0]]) == [parts[1]]:
        parts, value = parts[:1], {}  # the last key of a section: the section stays, as {}
        _check(raw, after, status, parts, value)
        return
    _check(raw, after, status, parts, _UNSET)


CHANGES: list[tuple[str, Any]] = [
    ("workers", 5), ("workers", 3), ("image", "debian:12"), ("setup_script", "apt-get update\nmake\n"),
    ("ports", ["3000", "8080:80"]), ("ports", []), ("git.base_branch", "dev"), ("git.upstream", None),
    ("claude.args", ["--x"]), ("claude.command", "it's"), ("airyra.port", 9001), ("zellij.layout", "grid"),
    ("zellij.dashboard", False), ("project", "other"), ("git.base_branch", "1.10"), ("claude.command", "yes"),
    ("claude.args", ["~", "yes", "# x", "a: b", "", "é", "a\tb", "it's"]), ("setup_script", "\tindented\n\nend"),
    ("git.branch_prefix", "x #/"), ("ports", [3000]), ("setup_script", "kept\n\n"), ("claude.args", ["a\nb"]),
]


@SETTINGS
@given(raw=configs(), change=st.sampled_from(CHANGES))
def test_save(raw: bytes, change: tuple[str, Any]) -> None:
    dotted, value = change
    with _project(raw) as path:
        config = cfg.load(path.parent)
        owner: Any = config
        *sections, name = dotted.split(".")
        for section in sections:
            owner = getattr(owner, section)
        setattr(owner, name, value)
        try:
            cfg.save(path.parent, config)
        except (ConfigError, ValidationError, IsollmError) as error:
            event(f"refused: {type(error).__name__}")
            assert path.read_bytes() == raw
            return
        after = path.read_bytes()
        event("saved")
        assert cfg.load(path.parent) == config
    assert not _problems(after)
    _kept_comments(raw, after, dotted)
