"""What the language server offers in an ``isollm.yaml`` besides diagnostics: completion, hover
and quick fixes, all read from the config schema (the same text as ``docs/configuration.md``).
Positions are LSP's: 0-based lines, and characters counted as code points."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from lsprotocol import types as lsp

from isollm.check import check_config, read_config
from isollm.config import Config
from isollm.docgen import key_entry
from isollm.errors import IsollmError
from isollm.io.yamlio import Document, dump_yaml, parse_yaml
from isollm.names import CONFIG_FILE_NAME, MISNAMED_CONFIG
from isollm.schema import pointer as pointers
from isollm.schema.loader import load_schema, schema_types
from isollm.schema.messages import closest

SCHEMA = load_schema("config")
GIT_TIMEOUT = 2.0  # seconds; a slow repository gives no branches rather than a stuck editor
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as LSP counts lines

# A key line: its indentation, the key, and its value up to a trailing comment (none after a "#").
_KEY_LINE = re.compile(r"([ \t]*)([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(?:#.*|(.*?)\s*(?: #.*)?))?$")
_TYPING_KEY = re.compile(r"([ \t]*)([\w.-]*)")
_WORD = re.compile(r"[\w.-]*")
_COLON = re.compile(r"[ \t]*:")
_VALUE_WORD = re.compile(r"[^\s#]*")
_PLAIN = re.compile(r"[A-Za-z][\w./-]*")
# Words YAML (1.1 or 1.2) may read as something else than text, when written plain.
_NOT_TEXT = frozenset(["true", "false", "null", "yes", "no", "on", "off", "y", "n"])
_EMPTY = frozenset(["", "~", "null", "Null", "NULL"])
# A scalar of numbers (a port "8080:80", an address), which a leading zero would make ambiguous.
_NUMBERS = re.compile(r"(['\"]?)[-+]?[0-9][0-9.:]*\1")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")
_UNQUOTABLE = re.compile(r"[-+]?[\w.]+")


class KeyLine(NamedTuple):
    indent: int
    key: str
    key_end: int
    value_start: int  # the line's length where there is no value after the colon
    value: str  # as written, a trailing comment removed


def key_line(line: str) -> KeyLine | None:
    """``line`` read as a key line, or None (a comment, a list entry, a blank, anything else)."""
    match = _KEY_LINE.match(line)
    if match is None:
        return None
    start = match.start(3) if match.group(3) is not None else len(line)
    return KeyLine(len(match.group(1)), match.group(2), match.end(2), start, match.group(3) or "")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def section_path(lines: list[str], index: int, indent: int) -> list[str] | None:
    """The keys of the sections enclosing a key at ``indent`` on line ``index``, outermost first
    (``[]`` at the top level); None when it is inside something else (a list, a block of text).
    Text being typed is often not YAML yet (``git:`` with nothing under it, a tab), so a section is the
    nearest key line above indented less; only block mappings of simple keys, the schema's only kind."""
    path: list[str] = []
    for line in reversed(lines[:index]):
        if indent == 0:
            break
        if not _content(line) or _indent(line) >= indent:
            continue
        parent = key_line(line)
        if parent is None or parent.value:
            return None
        path.insert(0, parent.key)
        indent = parent.indent
    return path if indent == 0 else None


def sibling_keys(lines: list[str], index: int, indent: int) -> set[str]:
    """The keys written at ``indent`` in the section holding line ``index`` (that line's excepted)."""
    keys: set[str] = set()
    for around in (reversed(lines[:index]), lines[index + 1:]):
        for line in around:
            if not _content(line):
                continue
            if _indent(line) < indent:
                break
            found = key_line(line)
            if found is not None and found.indent == indent:
                keys.add(found.key)
    return keys


def completions(text: str, line: int, character: int, root: Path | None) -> list[lsp.CompletionItem]:
    """What may be written at the cursor: the keys of its section not yet written, or after
    ``key: `` the values the schema lists (or, for ``git``, the repository at ``root`` has)."""
    lines = LINE_BREAK.split(text)
    if not 0 <= line < len(lines):
        return []
    character = max(0, min(character, len(lines[line])))  # past the end of a line means its end (LSP)
    before = lines[line][:character]
    typing = _TYPING_KEY.fullmatch(before)
    if typing is not None:
        return _key_items(lines, line, len(typing.group(1)), character)
    written = key_line(before)
    return [] if written is None else _value_items(lines, line, written, character, root)


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
        default = sub.get("default", {})  # a section's default ({}) says nothing
        required = name in section.get("required", [])
        detail = f"default: {_json(default)}" if default != {} else "required" if required else sub.get("title", "")
        items.append(lsp.CompletionItem(
            label=name,
            kind=lsp.CompletionItemKind.Module if section_key else lsp.CompletionItemKind.Property,
            detail=str(detail),
            documentation=_markdown(sub.get("markdownDescription", sub.get("description", ""))),
            sort_text=f"{order:03d}",
            text_edit=lsp.TextEdit(where, name if colon else f"{name}:" if section_key else f"{name}: ")))
    return items


def _value_items(lines: list[str], index: int, written: KeyLine, character: int,
                 root: Path | None) -> list[lsp.CompletionItem]:
    path = section_path(lines, index, written.indent)
    if path is None:
        return []
    where = pointers.join([*path, written.key])
    start = min(written.value_start, character)
    # Right after the colon, the value needs its space.
    pad = " " if lines[index][start - 1:start] == ":" else ""
    rest = _VALUE_WORD.match(lines[index], character)
    replaced = lsp.Range(lsp.Position(index, start), lsp.Position(index, rest.end() if rest else character))
    return [lsp.CompletionItem(label=label, kind=lsp.CompletionItemKind.Value, detail=detail or None,
                               sort_text=f"{order:03d}", filter_text=label,
                               text_edit=lsp.TextEdit(replaced, pad + _yaml_scalar(value)))
            for order, (label, value, detail) in enumerate(_choices(where, root))]


def _choices(where: str, root: Path | None) -> Iterator[tuple[str, Any, str]]:
    """The values for the key at ``where``: (label, value, note), in the order offered. What only
    the project knows comes from its repository, not from the schema."""
    if where == "/git/base_branch":
        yield from _branches(root)
        return
    if where == "/git/upstream":
        yield from ((name, name, "remote") for name in _git(root, "remote") if name)
        return
    schema = pointers.subschema(SCHEMA, where)
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


def _branches(root: Path | None) -> Iterator[tuple[str, str, str]]:
    """The repository's branches, local ones first, then remote-tracking ones (``origin/main``)."""
    seen = set()
    for ref in _git(root, "for-each-ref", "refs/heads", "refs/remotes", "--format=%(refname)"):
        local = ref.startswith("refs/heads/")
        name = ref.removeprefix("refs/heads/" if local else "refs/remotes/")
        if name in seen or (not local and name.endswith("/HEAD")):
            continue
        seen.add(name)
        yield name, name, "branch" if local else "remote-tracking branch"


def hover(text: str, line: int, character: int) -> lsp.Hover | None:
    """On a key: its entry of the configuration reference, and what it resolves to when left empty.
    On a value: what it resolves to, where that differs from what is written."""
    lines = LINE_BREAK.split(text)
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
            yield "**Left empty:** resolves to\n\n```yaml\n" + dump_yaml(resolved) + "```"
        else:
            yield f"**Left empty:** resolves to {_code(resolved)}"
    elif not only_empty and resolved is not pointers.MISSING and _json(resolved) != _json(written):
        yield f"**Resolves to** {_code(resolved)} (read as YAML alone: {_code(written)})"


def _hover(markdown: str, line: int, start: int, end: int) -> lsp.Hover:
    return lsp.Hover(contents=_markdown(markdown),
                     range=lsp.Range(lsp.Position(line, start), lsp.Position(line, end)))


def code_actions(text: str, uri: str, diagnostics: Sequence[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    """The quick fixes of our ``diagnostics`` that have one obvious fix (see ``_fix``; ``isollm.yml`` renamed),
    each offered only when the check of the fixed text has one such problem fewer and no new one."""
    actions = []
    document: Document | None = None  # the text is read, and checked, only when a fix is to be judged
    before: Counter[tuple[str, str]] | None = None
    for diagnostic in diagnostics:
        if diagnostic.source != "isollm":
            continue
        if diagnostic.code == "fileName":
            if uri.endswith("/" + MISNAMED_CONFIG):
                renamed = uri[: -len(MISNAMED_CONFIG)] + CONFIG_FILE_NAME
                edit = lsp.WorkspaceEdit(document_changes=[lsp.RenameFile(old_uri=uri, new_uri=renamed)])
                actions.append(_quick_fix(f"Rename to {CONFIG_FILE_NAME}", diagnostic, edit))
            continue
        if document is None:
            try:
                document = parse_yaml(text, spans=True)
            except IsollmError:  # not YAML: nothing to fix here
                continue
        found = _fix(text, document, diagnostic)
        if found is None:
            continue
        title, start, end, new_text = found
        before = _problems(text) if before is None else before
        after = _problems(text[:start] + new_text + text[end:])
        if not after - before and any(kind == diagnostic.code for kind, _ in before - after):
            change = lsp.TextEdit(lsp.Range(_position(text, start), _position(text, end)), new_text)
            actions.append(_quick_fix(title, diagnostic, lsp.WorkspaceEdit(changes={uri: [change]})))
    return actions


def _quick_fix(title: str, diagnostic: lsp.Diagnostic, edit: lsp.WorkspaceEdit) -> lsp.CodeAction:
    return lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                          is_preferred=True, edit=edit)


def _fix(text: str, document: Document, diagnostic: lsp.Diagnostic) -> tuple[str, int, int, str] | None:
    """The title of the obvious fix of ``diagnostic`` (a mistyped key renamed to the closest key, leading
    zeros dropped, a quoted number or boolean unquoted, text YAML 1.2 reads as a number quoted), and the
    part of ``text`` it replaces."""
    rename = diagnostic.code == "additionalProperties"
    at = (diagnostic.range.start.line + 1, diagnostic.range.start.character + 1)
    places = document.keys if rename else document.values
    where = next((pointer for pointer, place in places.items() if place == at), None)
    span = document.spans.get(where) if where is not None else None
    if where is None or span is None or (span.key_start < 0 if rename else span.kind != "scalar"):
        return None
    if rename:
        name = pointers.split(where)[-1]
        close = closest(name, pointers.subschema(SCHEMA, pointers.parent(where)).get("properties", {}))
        return None if close is None else (f'Rename "{name}" to "{close}"', span.key_start, span.key_end, close)
    written = text[span.start:span.end]
    if diagnostic.code in ("leadingZero", "pattern") and _NUMBERS.fullmatch(written):
        # workers: 010, airyra.port: 07432, a port "08080:080", an IPv4 address 010.0.0.1
        plain = _LEADING_ZEROS.sub("", written)
        if plain != written:
            return f"Write {plain}", span.start, span.end, plain
    if diagnostic.code == "unquoted" and span.style == "":
        # base_branch: 1.10 -> "1.10": the one spelling YAML 1.2 tools read as text too
        quoted = json.dumps(written)
        return f"Write {quoted}", span.start, span.end, quoted
    value = pointers.resolve(document.data, where)
    if (diagnostic.code == "type" and span.style in ("'", '"') and isinstance(value, str)
            and _UNQUOTABLE.fullmatch(value)):
        return f"Write {value} without quotes", span.start, span.end, value
    return None


def _problems(text: str) -> Counter[tuple[str, str]]:
    checked = check_config(text)
    return Counter((issue.keyword, issue.message) for issue in [*checked.errors, *checked.warnings])


def _position(text: str, offset: int) -> lsp.Position:
    lines = LINE_BREAK.split(text[:offset])
    return lsp.Position(len(lines) - 1, len(lines[-1]))


def _subschema(names: list[str]) -> dict[str, Any]:
    return pointers.subschema(SCHEMA, pointers.join(names))


def _markdown(text: str) -> lsp.MarkupContent:
    return lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _code(value: Any) -> str:
    return "`" + _json(value) + "`"
