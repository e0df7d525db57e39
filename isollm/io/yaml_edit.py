"""Changing one value of a YAML document in place, every other byte kept.

``set_value`` and ``unset_value`` rewrite only the text of the value they change, at the
offsets the reader records (``parse_yaml(text, spans=True)``): comments, key order, blank
lines, indentation, line endings and the quoting of every other value stay as they were,
in block and flow collections alike. New text comes from ``dump_yaml``'s emitter, in the
file's indentation and line endings; a changed string keeps its quoting where it can. A
missing key is added at the end of its mapping; an unset key loses its line(s), no more.

Each edit yields candidate texts, best first; the first that reads back as exactly the old
data with the one change (types included) is taken. An edit none passes (an anchor other
values refer to, a key under an alias, a key written twice, a complex key) raises
``EditError`` rather than produce anything else.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
from typing import Any, Iterator, Mapping, NamedTuple, Sequence

import yaml

from isollm.errors import YamlError
from isollm.io.yamlio import Document, Span, _Dumper, copy_data, parse_yaml  # _Dumper: what dump_yaml writes with
from isollm.schema import pointer as pointers

Path = tuple[str, ...]


UNSET: Any = pointers.MISSING
"""The value of a change that removes its key (see ``diff``): no value, as for a pointer to nothing."""

_BREAKS = "\n\r\x85\u2028\u2029"  # what libyaml counts as a line break
_BREAK = re.compile("\r\n|[" + _BREAKS + "]")


class EditError(Exception):
    """The text cannot be changed in place so that it reads as asked."""


def _dotted(path: Sequence[str]) -> str:
    return ".".join(path) or "the document"


def _line_start(text: str, index: int) -> int:
    return max(text.rfind(c, 0, index) for c in _BREAKS) + 1


def _line_end(text: str, index: int) -> int:
    found = _BREAK.search(text, index)
    return found.start() if found else len(text)


def _next_line(text: str, index: int) -> int:
    """Where the line after the one holding ``index`` starts (``len(text)`` on the last line)."""
    found = _BREAK.search(text, index)
    return found.end() if found else len(text)


def _blank_before(text: str, index: int) -> bool:
    """Whether only indentation stands before ``index`` on its line."""
    return not text[_line_start(text, index):index].strip(" ")


def lookup(data: Any, path: Sequence[str]) -> tuple[int, Any]:
    """(how many keys of ``path`` exist, the value the last of them names)."""
    node = data
    for depth, part in enumerate(path):
        if not isinstance(node, dict) or part not in node:
            return depth, node
        node = node[part]
    return len(path), node


def _nest(path: Sequence[str], value: Any) -> Any:  # {a: {b: value}}
    for part in reversed(path):
        value = {part: value}
    return value


def _with(data: Any, path: Sequence[str], value: Any) -> Any:
    """A copy of ``data`` with ``path`` set to ``value`` (missing or null parents become mappings),
    or, for ``UNSET``, without it."""
    result = copy.deepcopy(data) if isinstance(data, dict) else {}
    node = result
    for depth, part in enumerate(path[:-1]):
        if node.get(part) is None:
            node[part] = {}
        elif not isinstance(node[part], dict):
            raise EditError(f"{_dotted(path[:depth + 1])} is not a mapping")
        node = node[part]
    if value is UNSET:
        del node[path[-1]]
    else:
        node[path[-1]] = copy.deepcopy(value)
    return result


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (``1``, ``1.0`` and ``True`` differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


class _Hinted(str):
    """A string to be written in the style its old value had (``'``, ``"``, ``|``) where it can be."""

    style = ""


def _nth(styles: list[str], index: int) -> str:  # past the end: the last one's
    return styles[min(index, len(styles) - 1)] if styles else ""


def _hint(value: Any, style: str) -> Any:
    if not isinstance(value, str) or style not in ("'", '"', "|", ">"):
        return value
    hinted = _Hinted(value)
    hinted.style = "|" if style == ">" or (style == "'" and "\n" in value) else style
    return hinted


def _quoted(value: Any) -> Any:
    """``value`` with every string double-quoted: the writing that always reads back."""
    return copy_data(value, lambda item: _hint(item, '"'))


class _IndentedDumper(_Dumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # ``key:\n  - a``, not PyYAML's habit ``key:\n- a``


class _Layout(NamedTuple):
    """How new lines are written: indentation step, lists indented under their key or not, line break."""

    step: int = 2
    indent_lists: bool = False
    nl: str = "\n"


def _dump(value: Any, layout: _Layout, *, flow: bool) -> str:
    dumper = _IndentedDumper if layout.indent_lists else _Dumper
    text = yaml.dump(value, Dumper=dumper, sort_keys=False, allow_unicode=True, default_flow_style=flow,
                     indent=min(max(layout.step, 2), 9), width=1 << 30)  # PyYAML's bounds
    return text.removesuffix("...\n")  # the end marker PyYAML puts after a lone plain scalar: not ours


def scalar_text(value: Any) -> str:
    """``value`` on one line, as a flow collection holds it (a scalar as it is written in a file: ``7``, ``true``)."""
    return _dump([value], _Layout(), flow=True)[1:-2]


def _item(value: Any, layout: _Layout) -> str:
    """A scalar of one line as it is written after ``- ``."""
    return _dump({"k": value}, layout, flow=False)[3:-1]


def _lines(text: str, indent: int, layout: _Layout) -> str:
    """``text`` (lines ending in ``\\n``) indented by ``indent``, in the file's line breaks."""
    return "".join((" " * indent + line if line else "") + layout.nl for line in text.split("\n")[:-1])


class _Editor:
    """A document's text, where each value stands, its habits; and the edits, each yielding candidate texts."""

    def __init__(self, text: str) -> None:
        self.bom = "\ufeff" if text.startswith("\ufeff") else ""  # libyaml's offsets do not count it
        self.text = text[len(self.bom):]
        self.doc: Document = parse_yaml(self.text, spans=True)
        self.spans = self.doc.spans
        self.data = self.doc.data
        self.layout = self._habits("\r\n" if "\r\n" in self.text else "\n")

    def column(self, index: int) -> int:  # 0-based
        return index - _line_start(self.text, index)

    def _habits(self, nl: str) -> _Layout:
        """How far the text indents a nested mapping, and whether a list under its key."""
        step = seq_offset = None
        for _, span in self.spans.items():
            if span.style != "block" or span.key_start < 0 or not _blank_before(self.text, span.start):
                continue
            offset = self.column(span.start) - self.column(span.key_start)
            if span.kind == "mapping" and step is None and offset > 0:
                step = offset
            if span.kind == "sequence" and seq_offset is None and offset >= 0:
                seq_offset = offset
        step = step or 2
        return _Layout(step, (step if seq_offset is None else seq_offset) > 0, nl)

    def inside(self, pointer: str) -> Iterator[tuple[str, Span]]:
        """The spans of ``pointer`` and of everything below it."""
        prefix = pointer + "/"
        for name, span in self.spans.items():
            if name == pointer or name.startswith(prefix):
                yield name, span

    def value_end(self, span: Span) -> int:
        """Where the text of a value ends; -1 for a block collection (its children say)."""
        if span.kind in ("mapping", "sequence") and span.style == "block":
            return -1
        if span.kind == "scalar" and span.style in ("|", ">"):  # its trailing blank lines are layout
            body = self.text[span.start:span.end].rstrip(" \t" + _BREAKS)
            return _line_end(self.text, span.start + len(body) - 1)
        return span.end

    def content_end(self, pointer: str) -> int:
        """Where the last text of the value at ``pointer`` ends (not its trailing comments)."""
        return max((self.value_end(span) for _, span in self.inside(pointer)), default=-1)

    def check_path(self, path: Path, *, removing: bool = False) -> None:
        """Refuse a path (of keys that exist) through an alias, or a key written twice (but the one removed)."""
        for level in range(1, len(path)):
            span = self.spans.get(pointers.join(path[:level]))
            if span is not None and span.kind == "alias":
                raise EditError(f"{_dotted(path[:level])} is an alias ({self.text[span.start:span.end]}) of "
                                f"a value written elsewhere; write it out in full first")
        for duplicate in self.doc.duplicates:
            if removing and duplicate.pointer == pointers.join(path):
                continue
            if (pointers.join(path) + "/").startswith(duplicate.pointer + "/"):
                raise EditError(f"{_dotted(pointers.split(duplicate.pointer))} is written twice "
                                f"(lines {duplicate.first_line} and {duplicate.line}); remove one first")

    def in_flow(self, path: Path) -> bool:
        return any(getattr(self.spans.get(pointers.join(path[:level])), "style", "") == "flow"
                   for level in range(len(path)))

    def styles(self, pointer: str) -> list[str]:
        """How the old value was written: its style, or (a list) its items'."""
        span = self.spans[pointer]
        if span.kind == "sequence":
            return [s.style for name, s in self.children(pointer) if s.kind == "scalar"]
        return [span.style] if span.kind == "scalar" else []

    def children(self, pointer: str) -> list[tuple[str, Span]]:
        return [(name, span) for name, span in self.inside(pointer)
                if name != pointer and name.count("/") == pointer.count("/") + 1]

    def written(self, pointer: str, value: Any) -> list[Any]:
        """``value`` in the old value's styles (an item in its item's, or the last one's), then double-quoted."""
        styles = self.styles(pointer)
        if isinstance(value, list):
            return [[_hint(item, _nth(styles, i)) for i, item in enumerate(value)], _quoted(value)]
        return [_hint(value, _nth(styles, 0)), _quoted(value)]

    def replace(self, path: Path, value: Any) -> Iterator[str]:
        text = self.text
        pointer = pointers.join(path)
        span = self.spans[pointer]
        if self.in_flow(path):  # rewritten where it stands
            lead = " " if span.start == span.end and text[span.start - 1:span.start] == ":" else ""
            for each in self.written(pointer, value):
                yield text[:span.start] + lead + scalar_text(each) + text[span.end:]
            return
        found = re.compile(r"[ \t]*:").match(text, span.key_end)
        if found is None:
            raise EditError("the key is not a plain 'key:' (a complex '?' key)")
        colon = found.end() - 1
        key_indent = self.column(span.key_start)
        block = span.kind in ("mapping", "sequence") and span.style == "block"
        layout = self.layout
        if block and _blank_before(text, span.start):  # the block's own indentation
            offset = self.column(span.start) - key_indent
            layout = _Layout(offset or layout.step, offset > 0 if span.kind == "sequence" else layout.indent_lists,
                             layout.nl)
        if block and span.kind == "sequence":
            yield from self.edit_items(path, value)
        for each in self.written(pointer, value):
            if span.style == "flow" and isinstance(value, (dict, list)):
                inline, lines = scalar_text(each), ""
            else:  # after the key: what stands on its line, and the lines below
                first, _, rest = _dump({"k": each}, layout, flow=False)[2:].partition("\n")
                inline, lines = first.strip(), _lines(rest, key_indent, layout)
            if block:
                # key_start, where a child has one, comes before its start
                start = _line_start(text, min(s.key_start if s.key_start >= 0 else s.start
                                              for name, s in self.inside(pointer) if name != pointer))
                end = _next_line(text, self.content_end(pointer))
                head = text[:colon + 1] + (" " + inline if inline else "")
                yield head + text[colon + 1:start] + lines + text[end:]
                continue
            if span.kind == "scalar" and span.start == span.end:  # nothing written: null
                start = end = colon + 1
                inline = " " + inline if inline else ""
            else:
                start, end = span.start, self.value_end(span)
            if lines and not inline:
                start = colon + 1
            after = _next_line(text, end)
            gap = self.layout.nl if lines and _line_end(text, end) == len(text) else ""
            yield text[:start] + inline + text[end:after] + gap + lines + text[after:]

    def edit_items(self, path: Path, value: Any) -> Iterator[str]:
        """A block list of scalars edited item by item: unchanged items keep their lines and
        comments, a changed one keeps its line's comment, removed ones lose their line."""
        if not isinstance(value, list) or not value or \
                any(isinstance(v, (dict, list)) or (isinstance(v, str) and "\n" in v) for v in value):
            return
        pointer = pointers.join(path)
        nl = self.layout.nl
        # Work on the text with a final line break, so an item can follow the last one.
        missing_break = not self.text.endswith(tuple(_BREAKS))
        text = self.text + nl if missing_break else self.text
        old = lookup(self.data, path)[1]
        items = [self.spans[f"{pointer}/{i}"] for i in range(len(old))]
        # Each item written "- value" on a line of its own.
        if any(s.kind not in ("scalar", "alias") or s.style in ("|", ">") or _line_end(text, s.start) < s.end
               or text[_line_start(text, s.start):s.start].strip(" ") != "-" for s in items):
            return
        starts = [_line_start(text, s.start) for s in items]
        ends = [_next_line(text, s.end) for s in items]
        indent = self.column(text.rindex("-", starts[0], items[0].start))
        styles = self.styles(pointer)
        before, after = ([(type(v).__name__, repr(v)) for v in values] for values in (old, value))
        opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
        for write in (_hint, lambda item, style: _quoted(item)):  # in the items' styles, then quoted
            out = [text[:starts[0]]]
            for tag, i1, i2, j1, j2 in opcodes:
                for k in range(max(i2 - i1, j2 - j1)):
                    i, j = i1 + k, j1 + k
                    if i < i2 and i:
                        out.append(text[ends[i - 1]:starts[i]])  # the comments above an item stay
                    if i < i2 and tag == "equal":
                        out.append(text[starts[i]:ends[i]])
                    elif i < i2 and j < j2:
                        written = _item(write(value[j], items[i].style), self.layout)
                        out.append(text[starts[i]:items[i].start] + written + text[items[i].end:ends[i]])
                    elif j < j2:
                        written = _item(write(value[j], _nth(styles, j)), self.layout)
                        out.append(" " * indent + "- " + written + nl)
            edited = "".join(out) + text[ends[-1]:]
            yield edited[:-len(nl)] if missing_break and edited.endswith(nl) else edited

    def insert(self, path: Path, depth: int, value: Any) -> Iterator[str]:
        """``path[depth:]`` added at the end of the mapping at ``path[:depth]``."""
        text = self.text
        parent = pointers.join(path[:depth])
        nested = _nest(path[depth + 1:], value)
        children = self.children(parent)
        if self.spans[parent].style == "flow":
            span = self.spans[parent]
            for each in (nested, _quoted(nested)):
                entry = scalar_text({path[depth]: each})[1:-1]
                if not children:
                    yield text[:span.start] + "{" + entry + "}" + text[span.end:]
                    continue
                at = self.content_end(max(children, key=lambda child: child[1].start)[0])
                yield text[:at] + ", " + entry + text[at:]
            return
        first_key = min(span.key_start for _, span in children)
        if not _blank_before(text, first_key):
            raise EditError(f"the keys of {_dotted(path[:depth])} do not start their lines")
        yield from self.append(_next_line(text, self.content_end(parent)), path[depth], nested, self.column(first_key))

    def append(self, at: int, key: str, value: Any, indent: int) -> Iterator[str]:
        """A new ``key: value`` entry of a block mapping at column ``indent``, from ``at``."""
        gap = "" if at == 0 or self.text[at - 1] in _BREAKS else self.layout.nl
        for each in (value, _quoted(value)):
            entry = _lines(_dump({key: each}, self.layout, flow=False), indent, self.layout)
            yield self.text[:at] + gap + entry + self.text[at:]

    def set(self, path: Path, value: Any) -> Iterator[str]:
        if self.data is None:  # nothing but comments: the first key
            yield from self.append(len(self.text), path[0], _nest(path[1:], value), 0)
            return
        if not isinstance(self.data, dict):
            raise EditError("the document is not a mapping")
        depth, node = lookup(self.data, path)
        self.check_path(path[:depth + 1])
        if depth == len(path):
            yield from self.replace(path, value)
        elif node is None:
            yield from self.replace(path[:depth], lookup(_with(self.data, path, value), path[:depth])[1])
        else:  # a mapping: ``_with`` refused anything else
            yield from self.insert(path, depth, value)

    def unset(self, path: Path) -> Iterator[str]:
        text = self.text
        self.check_path(path, removing=True)
        if self.in_flow(path):
            yield self.unset_in_flow(path)
            return
        if len(path) > 1 and len(lookup(self.data, path[:-1])[1]) == 1:
            # The last key of a section: the section stays, as an empty mapping ({}),
            # not as a null that would read as another type.
            yield from self.replace(path[:-1], {})
            return
        pointer = pointers.join(path)
        span = self.spans[pointer]
        if not _blank_before(text, span.key_start):
            raise EditError(f"the key {_dotted(path)} does not start its line")
        end = _next_line(text, max(self.content_end(pointer), span.key_end))
        # and the comment lines below indented deeper than the key (its block's)
        while (comment := re.compile("( *)#").match(text, end)) and len(comment[1]) > self.column(span.key_start):
            end = _next_line(text, end)
        yield text[:_line_start(text, span.key_start)] + text[end:]

    def unset_in_flow(self, path: Path) -> str:
        """The text without the entry ``path`` of a flow mapping: with its comma, and with its
        line(s) and comment when it has them to itself; a trailing comma may stay (``{a: 1,}``)."""
        text = self.text
        pointer = pointers.join(path)
        start, end = self.spans[pointer].key_start, max(self.content_end(pointer), self.spans[pointer].key_end)
        comma = re.compile(r"[ \t]*,[ \t]*").match(text, end)
        if comma:
            end = comma.end()
        else:  # the last entry: the comma before it goes, if on the same line
            before = [self.content_end(name) for name, span in self.children(pointers.join(path[:-1]))
                      if span.start < start]
            if before and _line_end(text, max(before)) >= start:
                start = max(before)
        if _blank_before(text, start) and (end >= len(text) or text[end] in _BREAKS or text[end] == "#"):
            start, end = _line_start(text, start), _next_line(text, end)
        return text[:start] + text[end:]


def _first_reading(candidates: Iterator[str], expected: Any) -> str:
    for candidate in candidates:
        try:
            if same(parse_yaml(candidate).data, expected):
                return candidate
        except YamlError:
            continue
    raise EditError("it would change other values too (an anchor used elsewhere?)")


def set_value(text: str, path: Sequence[str], value: Any) -> str:
    """``text`` with the value at ``path`` (mapping keys) set to ``value`` (over a mapping: only the keys
    that differ), nothing else changed; ``YamlError`` if it is not YAML, ``EditError`` if it cannot be."""
    path = tuple(path)
    if not path:
        raise EditError("no key to set")
    editor = _Editor(text)
    depth, old = lookup(editor.data, path)
    aliased = getattr(editor.spans.get(pointers.join(path)), "kind", "") == "alias"
    if depth == len(path) and isinstance(old, dict) and isinstance(value, dict) and old and not aliased:
        for change, new in diff(old, value, path):
            text = unset_value(text, change) if new is UNSET else set_value(text, change, new)
        return text
    expected = _with(editor.data, path, value)
    return editor.bom + _first_reading(editor.set(path, value), expected)


def unset_value(text: str, path: Sequence[str]) -> str:
    """``text`` without the key at ``path`` (and its value); unchanged if it is not there."""
    path = tuple(path)
    editor = _Editor(text)
    if not path or lookup(editor.data, path)[0] != len(path):
        return text
    expected = _with(editor.data, path, UNSET)
    if expected == {} and len(path) == 1:
        expected = None  # no key left: an empty document
    if any(duplicate.pointer == pointers.join(path) for duplicate in editor.doc.duplicates):
        # Written more than once: the last goes, then the others, and what is left must hold.
        return _first_reading(iter([unset_value(editor.bom + next(editor.unset(path)), path)]), expected)
    return editor.bom + _first_reading(editor.unset(path), expected)


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
