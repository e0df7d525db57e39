"""Changing one value of a YAML document in place, every other byte kept.

``set_value``, ``unset_value`` and ``update`` rewrite only the text of the values
they change, at the offsets the reader records (``parse_yaml(text, spans=True)``):
comments, key order, blank lines, indentation, line endings and the quoting of
every other value stay as they were. A changed scalar keeps its quoting style
where the new value allows it (a single-quoted value stays single-quoted),
otherwise it gets the least quoting that reads back as the value; a multi-line
string becomes a ``|`` block. A missing key is added at the end of its mapping,
with that mapping's indentation (its missing parents with it); an unset key
loses its line, or lines for a block value, and nothing else. A value inside a
flow collection (``args: [a, b]``) is changed by rewriting that collection.

Every edit is checked by reading the new text back: it must hold exactly the
old data with the one change (types included, under YAML 1.2; strings are also
quoted wherever YAML 1.1 would read them as another type). An edit that cannot
pass (an anchor other values refer to, a complex key) raises ``EditError``
rather than produce anything else.
"""

from __future__ import annotations

import copy
import difflib
import io
import math
from typing import Any, Iterator, Mapping, Sequence

import yaml

from isollm.errors import YamlError
from isollm.io.yamlio import Document, Span, check_writable, parse_yaml
from isollm.schema import pointer as pointers

Path = tuple[str, ...]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""The value of a change that removes its key (see ``diff`` and ``apply``)."""

_BREAKS = "\n\r\x85\u2028\u2029"  # what libyaml counts as a line break
_STR_TAG = "tag:yaml.org,2002:str"


class EditError(Exception):
    """The text cannot be changed in place so that it reads as asked."""


# --- reading the text ---------------------------------------------------------------------------

def _dotted(path: Sequence[str]) -> str:
    return ".".join(path) or "the document"


def _line_start(text: str, index: int) -> int:
    return max(text.rfind(c, 0, index) for c in _BREAKS) + 1


def _line_end(text: str, index: int) -> int:
    ends = [found for c in _BREAKS if (found := text.find(c, index)) >= 0]
    return min(ends, default=len(text))


def _next_line(text: str, index: int) -> int:
    """Where the line after the one holding ``index`` starts (``len(text)`` on the last line)."""
    end = _line_end(text, index)
    if end == len(text):
        return end
    return end + (2 if text.startswith("\r\n", end) else 1)


def _blank_before(text: str, index: int) -> bool:
    """Whether only indentation stands before ``index`` on its line."""
    return not text[_line_start(text, index):index].strip(" ")


class _Text:
    """A document's text with where each value stands, and its indentation habits."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.doc: Document = parse_yaml(text, spans=True)
        self.spans = self.doc.spans
        self.nl = "\r\n" if "\r\n" in text else "\n"
        self.step, self.seq_offset = self._habits()

    def column(self, index: int) -> int:
        return index - _line_start(self.text, index)

    def _habits(self) -> tuple[int, int]:
        """(how far a nested mapping is indented, how far a list under a key is), as written."""
        step = seq_offset = None
        for pointer, span in self.spans.items():
            if span.style != "block" or span.key_start < 0 or not _blank_before(self.text, span.start):
                continue
            offset = self.column(span.start) - self.column(span.key_start)
            if span.kind == "mapping" and step is None and offset > 0:
                step = offset
            if span.kind == "sequence" and seq_offset is None and offset >= 0:
                seq_offset = offset
        step = step or 2
        return step, step if seq_offset is None else seq_offset

    def inside(self, pointer: str) -> Iterator[tuple[str, Span]]:
        """The spans of ``pointer`` and of everything below it."""
        prefix = pointer + "/"
        for name, span in self.spans.items():
            if name == pointer or name.startswith(prefix):
                yield name, span

    def literal_end(self, span: Span) -> int:
        """The end of a block scalar's last non-blank line (its trailing blank lines are layout)."""
        body = self.text[span.start:span.end].rstrip(" \t" + _BREAKS)
        return _line_end(self.text, span.start + len(body) - 1)

    def value_end(self, span: Span) -> int:
        """Where the text of a value ends; -1 for a block collection (its children say)."""
        if span.kind in ("mapping", "sequence") and span.style == "block":
            return -1
        if span.kind == "scalar" and span.style in ("|", ">"):
            return self.literal_end(span)
        return span.end

    def content_end(self, pointer: str) -> int:
        """Where the last text of the value at ``pointer`` ends (not its trailing comments)."""
        return max((self.value_end(span) for _, span in self.inside(pointer)), default=-1)

    def content_start(self, pointer: str) -> int:
        """Where the first line of a block collection's content starts."""
        first = min(min(span.start, span.key_start if span.key_start >= 0 else span.start)
                    for name, span in self.inside(pointer) if name != pointer)
        return _line_start(self.text, first)

    def colon(self, span: Span) -> int:
        """The offset of the ``:`` after a mapping value's key."""
        index = span.key_end
        while index < len(self.text) and self.text[index] in " \t":
            index += 1
        if span.key_start < 0 or index >= len(self.text) or self.text[index] != ":":
            raise EditError("the key is not a plain 'key:' (a complex '?' key)")
        return index

    def literal_indent(self, span: Span) -> int | None:
        """The indentation of a block scalar's content, as written."""
        index = _next_line(self.text, span.start)
        while index < span.end:
            end = _line_end(self.text, index)
            line = self.text[index:end]
            if line.strip(" "):
                return len(line) - len(line.lstrip(" "))
            index = _next_line(self.text, index)
        return None


def _dash_starts_line(text: str, span: Span) -> bool:
    """Whether a list item is written ``- value`` on a line of its own, its value on that line."""
    before = text[_line_start(text, span.start):span.start].strip(" ")
    return before == "-" and _line_end(text, span.start) >= span.end


def _get(data: Any, path: Sequence[str]) -> tuple[int, Any]:
    """(how many parts of ``path`` exist as mapping keys, the value the last of them names)."""
    node = data
    for depth, part in enumerate(path):
        if not isinstance(node, dict) or part not in node:
            return depth, node
        node = node[part]
    return len(path), node


def _with(data: Any, path: Sequence[str], value: Any) -> Any:
    """A copy of ``data`` with ``path`` set to ``value`` (missing or null parents become mappings)."""
    result = copy.deepcopy(data) if isinstance(data, dict) else {}
    node = result
    for depth, part in enumerate(path[:-1]):
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        elif not isinstance(child, dict):
            raise EditError(f"{_dotted(path[:depth + 1])} is not a mapping")
        node = child
    node[path[-1]] = copy.deepcopy(value)
    return result


def _without(data: Any, path: Sequence[str]) -> Any:
    result = copy.deepcopy(data)
    node = result
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return result


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (``1``, ``1.0`` and ``True`` differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _reads_as(text: str, expected: Any) -> bool:
    try:
        return same(parse_yaml(text).data, expected)
    except YamlError:
        return False


# --- writing values -----------------------------------------------------------------------------

_EMITTER = yaml.emitter.Emitter(io.StringIO(), allow_unicode=True)
_RESOLVER_1_1: Any = yaml.resolver.Resolver()  # PyYAML's (YAML 1.1) implicit types


def _printable(char: str) -> bool:
    """Whether libyaml accepts ``char`` as it stands inside a scalar (else it needs an escape)."""
    code = ord(char)
    return (0x20 <= code <= 0x7E or code == 0x85 or 0xA0 <= code <= 0xD7FF
            or (0xE000 <= code <= 0xFFFD and code != 0xFEFF) or 0x10000 <= code <= 0x10FFFF)


def _plain_ok(value: str, *, flow: bool) -> bool:
    """Whether ``value`` written bare reads back as this string, under YAML 1.2 and 1.1."""
    if not value or any(c in _BREAKS or not _printable(c) for c in value):
        return False
    analysis = _EMITTER.analyze_scalar(value)
    if not (analysis.allow_flow_plain if flow else analysis.allow_block_plain):
        return False
    if _RESOLVER_1_1.resolve(yaml.nodes.ScalarNode, value, (True, False)) != _STR_TAG:
        return False
    try:
        return bool(parse_yaml(value).data == value)
    except YamlError:
        return False


def _single_ok(value: str) -> bool:
    return all(_printable(c) for c in value)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r",
            "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P", "\x00": "\\0"}


def _double(value: str) -> str:
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _printable(char):
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def _quoted(value: str, style: str) -> str:
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"':
        return _double(value)
    return value


def _string_styles(value: str, hint: str | None, *, flow: bool, literal: bool) -> list[str]:
    """Quoting styles for ``value``, best first: the old one if it fits, then the least quoting."""
    check_writable(value)
    if any(c in _BREAKS for c in value):
        order = ['"', "|"] if hint == '"' else ["|", '"']
    elif hint in ("|", ">"):
        order = ["|", "", "'", '"']
    else:
        order = [hint or "", "", "'", '"']
    allowed = {"": _plain_ok(value, flow=flow), "'": _single_ok(value), '"': True,
               "|": literal and _literal_ok(value)}
    styles: list[str] = []
    for style in order:
        if allowed.get(style) and style not in styles:
            styles.append(style)
    return styles


def _literal_ok(value: str) -> bool:
    body = value.rstrip("\n")
    return bool(body.strip()) and all(c in "\n\t" or (_printable(c) and c not in _BREAKS) for c in value)


def scalar_text(value: Any) -> str:
    """A non-string scalar as YAML 1.2 writes it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    raise EditError(f"cannot write a value of type {type(value).__name__}")


def _key(key: str) -> str:
    check_writable(key)
    return key if _plain_ok(key, flow=True) else _double(key)


class _Hints:
    """How the old value was written: its style, and its items' (for a list)."""

    def __init__(self, style: str | None = None, items: Sequence[str] = ()) -> None:
        self.style = style
        self.items = list(items)

    def item(self, index: int) -> str | None:
        if index < len(self.items):
            return self.items[index]
        return self.items[-1] if self.items else None


def _inline_scalar(value: Any, hint: str | None, *, flow: bool, safe: bool) -> str:
    if not isinstance(value, str):
        return scalar_text(value)
    if safe:
        check_writable(value)
        return _double(value)
    return _quoted(value, _string_styles(value, hint, flow=flow, literal=False)[0])


def _flow(value: Any, hints: _Hints, *, safe: bool) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item, _Hints(hints.item(i)), safe=safe)
                               for i, item in enumerate(value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {_flow(v, _Hints(), safe=safe)}" for k, v in value.items()) + "}"
    return _inline_scalar(value, hints.style, flow=True, safe=safe)


class _Layout:
    """Indentation and line ending for new lines."""

    def __init__(self, step: int, seq_offset: int, nl: str) -> None:
        self.step = step
        self.seq_offset = seq_offset
        self.nl = nl


def _literal(value: str, indent: int, parent_indent: int, layout: _Layout) -> tuple[str, str]:
    """(``|`` header, content lines) of a block scalar holding ``value``."""
    body = value.rstrip("\n")
    trailing = len(value) - len(body)
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    lines = body.split("\n") + [""] * max(trailing - 1, 0)
    first = next((line for line in lines if line), "")
    indicator = str(indent - parent_indent) if first.startswith(" ") else ""
    content = "".join((" " * indent + line if line else "") + layout.nl for line in lines)
    return "|" + indicator + chomp, content


def _is_nested(value: Any) -> bool:
    return isinstance(value, (dict, list)) and bool(value)


def _block(value: Any, indent: int, hints: _Hints, layout: _Layout, *, safe: bool) -> str:
    """Block-style lines (each ending in a line break) for a non-empty list or mapping."""
    pad = " " * indent
    out = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            text = (_flow(item, _Hints(), safe=safe) if _is_nested(item) else
                    _inline_scalar(item, hints.item(index), flow=False, safe=safe))
            out.append(f"{pad}- {text}{layout.nl}")
        return "".join(out)
    for key, item in value.items():
        out.append(_entry(key, item, indent, layout, safe=safe))
    return "".join(out)


def _entry(key: str, value: Any, indent: int, layout: _Layout, *, safe: bool) -> str:
    """A new ``key: value`` entry of a block mapping, as lines."""
    head = " " * indent + _key(key) + ":"
    if isinstance(value, dict) and value:
        return head + layout.nl + _block(value, indent + layout.step, _Hints(), layout, safe=safe)
    if isinstance(value, list) and value:
        return head + layout.nl + _block(value, indent + layout.seq_offset, _Hints(), layout, safe=safe)
    if isinstance(value, str) and not safe and _string_styles(value, None, flow=False, literal=True)[0] == "|":
        header, content = _literal(value, indent + layout.step, indent, layout)
        return f"{head} {header}{layout.nl}{content}"
    text = _flow(value, _Hints(), safe=safe) if isinstance(value, (dict, list)) else \
        _inline_scalar(value, None, flow=False, safe=safe)
    return f"{head} {text}{layout.nl}"


def _renderings(value: Any, hints: _Hints, *, flow_style: bool, key_indent: int, indent: int,
                layout: _Layout) -> Iterator[tuple[str, str]]:
    """Ways to write ``value`` after ``key:``, best first: (text on the key's line, lines below)."""
    if isinstance(value, str):
        for style in _string_styles(value, hints.style, flow=False, literal=True):
            if style == "|":
                yield _literal(value, indent, key_indent, layout)
            else:
                yield _quoted(value, style), ""
        return
    if not isinstance(value, (dict, list)):
        yield scalar_text(value), ""
        return
    if not value:
        yield ("[]" if isinstance(value, list) else "{}"), ""
        return
    for safe in (False, True):
        if flow_style:
            yield _flow(value, hints, safe=safe), ""
        else:
            yield "", _block(value, indent, hints, layout, safe=safe)
    yield _flow(value, hints, safe=True), ""


# --- the edits ----------------------------------------------------------------------------------

class _Editor:
    def __init__(self, text: str) -> None:
        self.t = _Text(text)
        self.text = text
        self.data = self.t.doc.data
        self.layout = _Layout(self.t.step, self.t.seq_offset, self.t.nl)

    def check_path(self, path: Path) -> None:
        """``EditError`` when the text along ``path`` (keys that exist) cannot be edited in place:
        a section written as an alias of another value, a key written twice."""
        for level in range(1, len(path)):
            span = self.t.spans.get(pointers.join(path[:level]))
            if span is not None and span.kind == "alias":
                raise EditError(f"{_dotted(path[:level])} is an alias ({self.text[span.start:span.end]}) of "
                                f"a value written elsewhere; write it out in full first")
        for duplicate in self.t.doc.duplicates:
            if (pointers.join(path) + "/").startswith(duplicate.pointer + "/"):
                raise EditError(f"{_dotted(pointers.split(duplicate.pointer))} is written twice "
                                f"(lines {duplicate.first_line} and {duplicate.line}); remove one first")

    def in_flow(self, path: Path) -> bool:
        """Whether the value at ``path`` stands inside a flow collection (``{a: 1}``, ``[a]``)."""
        return any(getattr(self.t.spans.get(pointers.join(path[:level])), "style", "") == "flow"
                   for level in range(len(path)))

    def hints(self, pointer: str, span: Span) -> _Hints:
        if span.kind == "sequence":
            items = [s.style for name, s in self.t.inside(pointer)
                     if name.count("/") == pointer.count("/") + 1 and s.kind == "scalar"]
            return _Hints(None, items)
        return _Hints(span.style if span.kind == "scalar" else None)

    def children(self, pointer: str) -> list[tuple[str, Span]]:
        return [(name, span) for name, span in self.t.inside(pointer)
                if name != pointer and name.count("/") == pointer.count("/") + 1]

    def replace_in_flow(self, pointer: str, value: Any) -> Iterator[str]:
        """The value at ``pointer``, inside a flow collection, rewritten where it stands."""
        span = self.t.spans[pointer]
        lead = " " if span.start == span.end and self.text[span.start - 1:span.start] == ":" else ""
        for safe in (False, True):
            written = _flow(value, self.hints(pointer, span), safe=safe)
            yield self.text[:span.start] + lead + written + self.text[span.end:]

    def replace(self, path: Path, value: Any) -> Iterator[str]:
        """Texts with the existing value at ``path`` replaced, best first."""
        text, t = self.text, self.t
        pointer = pointers.join(path)
        if self.in_flow(path):
            yield from self.replace_in_flow(pointer, value)
            return
        span = t.spans[pointer]
        colon = t.colon(span)
        key_indent = t.column(span.key_start)
        block = span.kind in ("mapping", "sequence") and span.style == "block"
        literal = span.kind == "scalar" and span.style in ("|", ">")
        indent = key_indent + (t.seq_offset if isinstance(value, list) else t.step)
        if block and _blank_before(text, span.start):
            indent = t.column(span.start)
        elif literal:
            indent = t.literal_indent(span) or indent
        if block and span.kind == "sequence":
            yield from self.edit_items(pointer, value)
        renderings = _renderings(value, self.hints(pointer, span), flow_style=span.style == "flow",
                                 key_indent=key_indent, indent=indent, layout=self.layout)
        for inline, lines in renderings:
            if block:
                start, end = t.content_start(pointer), _next_line(text, t.content_end(pointer))
                head = text[:colon + 1] + (" " + inline if inline else "")
                yield head + text[colon + 1:start] + lines + text[end:]
                continue
            if span.kind == "scalar" and span.start == span.end:  # nothing written: null
                start = end = colon + 1
                inline = " " + inline if inline else ""
            else:
                start, end = span.start, (t.literal_end(span) if literal else span.end)
            if not lines:
                yield text[:start] + inline + text[end:]
                continue
            if not inline:
                start = colon + 1
            after = _next_line(text, end)
            gap = "" if _line_end(text, end) < len(text) else self.layout.nl
            yield text[:start] + inline + text[end:after] + gap + lines + text[after:]

    def edit_items(self, pointer: str, value: Any) -> Iterator[str]:
        """A block list of scalars edited item by item: unchanged items keep their lines and
        comments, a changed one keeps its line's comment, removed ones lose their line."""
        if not isinstance(value, list) or not value or any(isinstance(v, (dict, list)) for v in value):
            return
        t, nl = self.t, self.layout.nl
        # Work on the text with a final line break, so an item can follow the last one.
        missing_break = not self.text.endswith(tuple(_BREAKS))
        text = self.text + nl if missing_break else self.text
        old = _get(self.data, tuple(pointers.split(pointer)))[1]
        items = [t.spans[f"{pointer}/{i}"] for i in range(len(old))]
        if any(s.kind not in ("scalar", "alias") or s.style in ("|", ">") or not _dash_starts_line(text, s)
               for s in items):
            return
        starts = [_line_start(text, s.start) for s in items]
        ends = [_next_line(text, s.end) for s in items]
        indent = t.column(text.rindex("-", starts[0], items[0].start))
        hints = self.hints(pointer, t.spans[pointer])

        def token(v: Any) -> tuple[str, str]:
            return type(v).__name__, repr(v)

        opcodes = difflib.SequenceMatcher(None, [token(v) for v in old], [token(v) for v in value],
                                          autojunk=False).get_opcodes()
        for safe in (False, True):
            out = [text[:starts[0]]]
            for tag, i1, i2, j1, j2 in opcodes:
                for k in range(max(i2 - i1, j2 - j1)):
                    i, j = i1 + k, j1 + k
                    if i < i2 and i:
                        out.append(text[ends[i - 1]:starts[i]])  # the comments above an item stay
                    if i < i2 and tag == "equal":
                        out.append(text[starts[i]:ends[i]])
                    elif i < i2 and j < j2:
                        written = _inline_scalar(value[j], items[i].style, flow=False, safe=safe)
                        out.append(text[starts[i]:items[i].start] + written + text[items[i].end:ends[i]])
                    elif j < j2:
                        written = _inline_scalar(value[j], hints.item(j), flow=False, safe=safe)
                        out.append(" " * indent + "- " + written + nl)
            edited = "".join(out) + text[ends[-1]:]
            yield edited[:-len(nl)] if missing_break and edited.endswith(nl) else edited

    def insert(self, path: Path, depth: int, value: Any) -> Iterator[str]:
        """Texts with ``path[depth:]`` added at the end of the mapping at ``path[:depth]``."""
        text, t = self.text, self.t
        parent = pointers.join(path[:depth])
        nested: Any = value
        for part in reversed(path[depth + 1:]):
            nested = {part: nested}
        children = self.children(parent)
        if t.spans[parent].style == "flow":
            span = t.spans[parent]
            for safe in (False, True):
                entry = f"{_key(path[depth])}: {_flow(nested, _Hints(), safe=safe)}"
                if not children:
                    yield text[:span.start] + "{" + entry + "}" + text[span.end:]
                    continue
                at = t.content_end(max(children, key=lambda child: child[1].start)[0])
                yield text[:at] + ", " + entry + text[at:]
            return
        first_key = min(span.key_start for _, span in children)
        if not _blank_before(text, first_key):
            raise EditError(f"the keys of {_dotted(path[:depth])} do not start their lines")
        indent = t.column(first_key)
        at = _next_line(text, t.content_end(parent))
        gap = "" if at > 0 and text[at - 1] in _BREAKS else self.layout.nl
        for safe in (False, True):
            yield text[:at] + gap + _entry(path[depth], nested, indent, self.layout, safe=safe) + text[at:]

    def set(self, path: Path, value: Any) -> Iterator[str]:
        if self.data is None:  # nothing but comments: the first key
            gap = "" if not self.text or self.text[-1] in _BREAKS else self.layout.nl
            nested: Any = value
            for part in reversed(path[1:]):
                nested = {part: nested}
            for safe in (False, True):
                yield self.text + gap + _entry(path[0], nested, 0, self.layout, safe=safe)
            return
        if not isinstance(self.data, dict):
            raise EditError("the document is not a mapping")
        depth, node = _get(self.data, path)
        self.check_path(path[:depth + 1])
        if depth == len(path):
            yield from self.replace(path, value)
        elif node is None:
            yield from self.replace(path[:depth], _get(_with(self.data, path, value), path[:depth])[1])
        elif isinstance(node, dict):
            yield from self.insert(path, depth, value)
        else:
            raise EditError(f"{_dotted(path[:depth])} is not a mapping")

    def unset(self, path: Path) -> Iterator[str]:
        text, t = self.text, self.t
        self.check_path(path)
        if len(path) > 1 and len(_get(self.data, path[:-1])[1]) == 1:
            # The last key of a section: the section stays, as an empty mapping ({}),
            # not as a null that would read as another type.
            yield from self.replace(path[:-1], {})
            return
        pointer = pointers.join(path)
        span = t.spans[pointer]
        if span.key_start < 0:
            raise EditError(f"the key {_dotted(path)} is not a plain 'key:'")
        if self.in_flow(path):
            yield self.unset_in_flow(path)
            return
        if not _blank_before(text, span.key_start):
            raise EditError(f"the key {_dotted(path)} does not start its line")
        start = _line_start(text, span.key_start)
        end = _next_line(text, max(t.content_end(pointer), span.key_end))
        yield text[:start] + text[self.comments_below(end, t.column(span.key_start)):]

    def unset_in_flow(self, path: Path) -> str:
        """The text without the entry ``path`` of a flow mapping: with its comma, and with its
        line(s) and comment when it has them to itself; a trailing comma may stay (``{a: 1,}``)."""
        text, t = self.text, self.t
        pointer = pointers.join(path)
        start, end = t.spans[pointer].key_start, max(t.content_end(pointer), t.spans[pointer].key_end)
        after = end
        while text[after:after + 1] in (" ", "\t"):
            after += 1
        if text[after:after + 1] == ",":
            end = after + 1
            while text[end:end + 1] in (" ", "\t"):
                end += 1
        else:  # the last entry: the comma before it goes, if on the same line
            before = [t.content_end(name) for name, span in self.children(pointers.join(path[:-1]))
                      if span.start < start]
            if before and _line_end(text, max(before)) >= start:
                start = max(before)
        if _blank_before(text, start) and (end >= len(text) or text[end] in _BREAKS or text[end] == "#"):
            start, end = _line_start(text, start), _next_line(text, end)
        return text[:start] + text[end:]

    def comments_below(self, index: int, column: int) -> int:
        """The end of the comment lines at ``index`` indented deeper than ``column`` (a block's own)."""
        text = self.text
        while index < len(text):
            line = text[index:_line_end(text, index)]
            stripped = line.lstrip(" ")
            if not stripped.startswith("#") or len(line) - len(stripped) <= column:
                break
            index = _next_line(text, index)
        return index


def _first_reading(candidates: Iterator[str], expected: Any) -> str:
    for candidate in candidates:
        if _reads_as(candidate, expected):
            return candidate
    raise EditError("it would change other values too (an anchor used elsewhere?)")


def _bom(text: str) -> tuple[str, str]:
    """(the byte order mark, the rest): libyaml's offsets do not count the mark."""
    return ("\ufeff", text[1:]) if text.startswith("\ufeff") else ("", text)


def set_value(text: str, path: Sequence[str], value: Any) -> str:
    """``text`` with the value at ``path`` (mapping keys) set to ``value``, nothing else changed.

    A mapping ``value`` over an existing mapping changes only the keys that differ.
    Raises ``YamlError`` if ``text`` is not YAML (or ``value`` cannot be written),
    ``EditError`` if it cannot be edited in place.
    """
    path = tuple(path)
    if not path:
        raise EditError("no key to set")
    bom, body = _bom(text)
    editor = _Editor(body)
    depth, old = _get(editor.data, path)
    aliased = getattr(editor.t.spans.get(pointers.join(path)), "kind", "") == "alias"
    if depth == len(path) and isinstance(old, dict) and isinstance(value, dict) and old and not aliased:
        for change, new in diff(old, value, path):
            text = unset_value(text, change) if new is UNSET else set_value(text, change, new)
        return text
    expected = _with(editor.data, path, value)
    return bom + _first_reading(editor.set(path, value), expected)


def unset_value(text: str, path: Sequence[str]) -> str:
    """``text`` without the key at ``path`` (and its value); unchanged if it is not there."""
    path = tuple(path)
    bom, body = _bom(text)
    editor = _Editor(body)
    if not path or _get(editor.data, path)[0] != len(path):
        return text
    expected = _without(editor.data, path)
    if expected == {} and len(path) == 1:
        expected = None  # no key left: an empty document
    return bom + _first_reading(editor.unset(path), expected)


def diff(old: Mapping[str, Any], new: Mapping[str, Any], prefix: Path = ()) -> list[tuple[Path, Any]]:
    """The changes that turn mapping ``old`` into ``new``: (path, new value or ``UNSET``),
    descending into mappings both sides hold, so that each change is as small as it can be."""
    changes: list[tuple[Path, Any]] = [(prefix + (key,), UNSET) for key in old if key not in new]
    for key, value in new.items():
        before = old.get(key, UNSET)
        if isinstance(before, dict) and isinstance(value, dict) and before and value:
            changes.extend(diff(before, value, prefix + (key,)))
        elif before is UNSET or not same(before, value):
            changes.append((prefix + (key,), value))
    return changes
