"""What the language server offers in an ``isollm.yaml`` besides diagnostics: completion, hover
and quick fixes, all read from the config schema (the same text as ``docs/configuration.md``).

Completion and hover work on text being typed, which is often not YAML yet: they find the
section from the indentation (``isollm.lsp.outline``). Quick fixes (``code_actions``) live in
``isollm.lsp.fixes``.
Positions are LSP's: 0-based lines, and characters counted as code points.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from isollm.docgen import key_entry
from isollm.lsp.fixes import code_actions
from isollm.lsp.outline import KeyLine, key_line, lines_of, section_path, sibling_keys
from isollm.schema import pointer as pointers
from isollm.schema.loader import load_schema, schema_types

__all__ = ["code_actions", "completions", "hover"]

SCHEMA = load_schema("config")
GIT_TIMEOUT = 2.0  # seconds; a slow repository gives no branches rather than a stuck editor

_TYPING_KEY = re.compile(r"([ \t]*)([\w.-]*)")
_WORD = re.compile(r"[\w.-]*")
_COLON = re.compile(r"[ \t]*:")
_VALUE_WORD = re.compile(r"[^\s#]*")
_PLAIN = re.compile(r"[A-Za-z][\w./-]*")
# Words YAML (1.1 or 1.2) may read as something else than text, when written plain.
_NOT_TEXT = frozenset(["true", "false", "null", "yes", "no", "on", "off", "y", "n"])
_EMPTY = frozenset(["", "~", "null", "Null", "NULL"])


# Completion


def completions(text: str, line: int, character: int, root: Path | None) -> list[lsp.CompletionItem]:
    """What may be written at the cursor: the keys of its section not yet written, or after
    ``key: `` the values the schema lists (or, for ``git``, the repository at ``root`` has)."""
    lines = lines_of(text)
    if not 0 <= line < len(lines):
        return []
    # Past the end of a line means its end (LSP).
    character = max(0, min(character, len(lines[line])))
    before = lines[line][:character]
    typing = _TYPING_KEY.fullmatch(before)
    if typing is not None:
        return _key_items(lines, line, len(typing.group(1)), character)
    written = key_line(before)
    if written is None:
        return []
    return _value_items(lines, line, written, character, root)


def _key_items(lines: list[str], index: int, indent: int, character: int) -> list[lsp.CompletionItem]:
    path = section_path(lines, index, indent)
    if path is None:
        return []
    section = _subschema(path)
    present = sibling_keys(lines, index, indent)
    # Completing inside a written key replaces the whole key, and keeps its colon.
    rest = _WORD.match(lines[index], character)
    end = rest.end() if rest else character
    colon = _COLON.match(lines[index], end) is not None
    where = lsp.Range(lsp.Position(index, indent), lsp.Position(index, end))
    items = []
    for order, (name, sub) in enumerate(section.get("properties", {}).items()):
        if name in present:
            continue
        section_key = "object" in schema_types(sub)
        items.append(lsp.CompletionItem(
            label=name,
            kind=lsp.CompletionItemKind.Module if section_key else lsp.CompletionItemKind.Property,
            detail=_detail(sub, name in section.get("required", [])),
            documentation=_markdown(sub.get("markdownDescription", sub.get("description", ""))),
            sort_text=f"{order:03d}",
            text_edit=lsp.TextEdit(where, name if colon else f"{name}:" if section_key else f"{name}: ")))
    return items


def _detail(schema: dict[str, Any], required: bool) -> str:
    """The key's default as it would be written (or that it is required)."""
    if "default" in schema and schema["default"] != {}:
        return f"default: {_json(schema['default'])}"
    return "required" if required else str(schema.get("title", ""))


def _value_items(lines: list[str], index: int, written: KeyLine, character: int,
                 root: Path | None) -> list[lsp.CompletionItem]:
    path = section_path(lines, index, written.indent)
    if path is None:
        return []
    where = pointers.join([*path, written.key])
    choices = list(_choices(where, _subschema(pointers.split(where)), root))
    start = min(written.value_start, character)
    # Right after the colon, the value needs its space.
    pad = " " if lines[index][start - 1:start] == ":" else ""
    rest = _VALUE_WORD.match(lines[index], character)
    replaced = lsp.Range(lsp.Position(index, start), lsp.Position(index, rest.end() if rest else character))
    return [lsp.CompletionItem(label=label, kind=lsp.CompletionItemKind.Value, detail=detail or None,
                               sort_text=f"{order:03d}", filter_text=label,
                               text_edit=lsp.TextEdit(replaced, pad + _yaml_scalar(value)))
            for order, (label, value, detail) in enumerate(choices)]


def _choices(where: str, schema: dict[str, Any], root: Path | None) -> Iterator[tuple[str, Any, str]]:
    """The values for the key at ``where``: (label, value, note), in the order offered."""
    project = _PROJECT_VALUES.get(where)
    if project is not None:
        yield from ((name, name, note) for name, note in project(root))
        return
    notes = schema.get("enumDescriptions", [])
    for position, value in enumerate(schema.get("enum", [])):
        if value is not None:  # null is "left empty", not a value to choose
            yield str(value), value, notes[position] if position < len(notes) else ""
    if "boolean" in schema_types(schema):
        yield from (("true", True, ""), ("false", False, ""))


def _yaml_scalar(value: Any) -> str:
    """``value`` as written in YAML: plain where YAML reads it back as the same value."""
    if isinstance(value, str) and _PLAIN.fullmatch(value) and value.lower() not in _NOT_TEXT:
        return value
    return _json(value)


def _git(root: Path | None, *args: str) -> list[str]:
    """The output lines of ``git -C root ARGS``; none when there is no git or no repository."""
    if root is None:
        return []
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              timeout=GIT_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError, ValueError):
        return []
    return done.stdout.splitlines() if done.returncode == 0 else []


def _branches(root: Path | None) -> Iterator[tuple[str, str]]:
    """The repository's branches, local ones first, then remote-tracking ones (``origin/main``)."""
    seen = set()
    for ref in _git(root, "for-each-ref", "refs/heads", "refs/remotes", "--format=%(refname)"):
        local = ref.startswith("refs/heads/")
        name = ref.removeprefix("refs/heads/" if local else "refs/remotes/")
        if name in seen or (not local and name.endswith("/HEAD")):
            continue
        seen.add(name)
        yield name, "branch" if local else "remote-tracking branch"


def _remotes(root: Path | None) -> Iterator[tuple[str, str]]:
    return ((name, "remote") for name in _git(root, "remote") if name)


# What only the project knows: values read from its repository, not from the schema.
_PROJECT_VALUES: dict[str, Callable[[Path | None], Iterator[tuple[str, str]]]] = {
    "/git/base_branch": _branches,
    "/git/upstream": _remotes,
}


# Hover


def hover(text: str, line: int, character: int) -> lsp.Hover | None:
    """On a key: its entry of the configuration reference (description, type, default, limits),
    and what it resolves to when left empty. On a value: what it resolves to, where that
    differs from what is written (left empty, or a number kept as the text written)."""
    lines = lines_of(text)
    if not 0 <= line < len(lines):
        return None
    written = key_line(lines[line])
    path = section_path(lines, line, written.indent) if written is not None else None
    if written is None or path is None:
        return None
    names = [*path, written.key]
    schema = _subschema(names)
    if not schema:
        return None
    where = pointers.join(names)
    if written.indent <= character <= written.key_end:
        required = written.key in _subschema(path).get("required", [])
        parts = ["\n".join(key_entry(".".join(names), schema, required, len(names) + 1)).strip()]
        if written.value in _EMPTY:  # else it is not left empty: no need to read the document
            parts.extend(_resolution(text, where, only_empty=True))
        return _hover("\n\n".join(parts), line, written.indent, written.key_end)
    if written.value and character >= written.value_start:
        parts = list(_resolution(text, where, only_empty=False))
        end = written.value_start + len(written.value)
        return _hover(parts[0], line, written.value_start, end) if parts else None
    return None


def _resolution(text: str, where: str, *, only_empty: bool) -> Iterator[str]:
    """What the value at ``where`` resolves to, if that differs from what is written (only when
    it is left empty, with ``only_empty``); nothing when the text is not a config."""
    from isollm.check import read_config
    from isollm.config import Config
    from isollm.errors import IsollmError

    try:
        document = read_config(text)
        resolved = pointers.resolve(Config(document.data, document=document).to_dict(), where)
    except IsollmError:
        return
    written = pointers.resolve(document.data, where)
    if written is pointers.MISSING:  # the line is not where the document has it (a text block...)
        return
    if written is None:
        if resolved is pointers.MISSING or resolved is None:
            yield "**Left empty:** not set (there is no default)."
        elif isinstance(resolved, (dict, list)) and resolved:
            yield "**Left empty:** resolves to\n\n```yaml\n" + _dump(resolved) + "```"
        else:
            yield f"**Left empty:** resolves to {_code(resolved)}"
    elif not only_empty and resolved is not pointers.MISSING and _json(resolved) != _json(written):
        yield f"**Resolves to** {_code(resolved)} (read as YAML alone: {_code(written)})"


def _dump(value: Any) -> str:
    from isollm.io.yamlio import dump_yaml

    return dump_yaml(value)


def _hover(markdown: str, line: int, start: int, end: int) -> lsp.Hover:
    return lsp.Hover(contents=_markdown(markdown),
                     range=lsp.Range(lsp.Position(line, start), lsp.Position(line, end)))


# Shared


def _subschema(names: list[str]) -> dict[str, Any]:
    return pointers.subschema(SCHEMA, pointers.join(names))


def _markdown(text: str) -> lsp.MarkupContent:
    return lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _code(value: Any) -> str:
    return "`" + _json(value) + "`"
