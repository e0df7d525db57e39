"""Reading a YAML config the way a person means it, with a location for every value.

libyaml's events become plain JSON-like values in one pass, without PyYAML's constructors,
so that scalars follow the YAML 1.2 core schema as editors and check-jsonschema read them
(``yes`` is a string, ``8080:80`` no sexagesimal number, ``2024-01-01`` no date); tags other
than the core ones are refused; duplicate keys are reported, not replaced; depth and alias
expansion are bounded against hostile files. What is recorded of each value (``Document``) is
found by JSON pointer.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar

import yaml

from isollm.errors import BIDI_CONTROLS, YamlError
from isollm.io.atomic import read_at_most
from isollm.schema import pointer as pointers

# Only the parser's events are read, never its constructor: libyaml's parser when PyYAML has it.
_Parser = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 64
_TOO_DEEP = f"document is nested more than {MAX_DEPTH} levels deep"
# libyaml 0.2.6+ (bundled since PyYAML 6.0.4) has a nesting limit of its own; its
# scanner reads ahead, so on deep flow collections it can answer before ours does.
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"
MAX_NODES = 100_000
# Without aliases the text of all scalars is bounded by the file size; aliases
# can repeat a long string many times, and every copy ends up in messages.
MAX_EXPANDED_CHARS = 4 * MAX_FILE_BYTES

_TAG = "tag:yaml.org,2002:"
_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT_HEX = re.compile(r"0(?:o[0-7]+|x[0-9a-fA-F]+)\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF_NAN = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")

V = TypeVar("V")


# What the document records about a value is kept by node, not by pointer: a pointer repeats
# every key above its value, so 60 nested 1,000-character keys over a 20,000-item list would
# hold 1.2 GB of pointers for a 100 KB file. A node is a small int that knows its parent and
# its key or index; a pointer is built from it, or walked down to it, only when asked.
class NodeTree:
    """Every value of a document as a node: its parent node and its key (a str) or index (an int)."""

    __slots__ = ("parents", "tokens", "members", "items")

    def __init__(self) -> None:
        self.parents: list[int] = []
        self.tokens: list[str | int] = []
        self.members: dict[tuple[int, str], int] = {}  # (mapping's node, key): the member's node
        self.items: dict[int, list[int]] = {}  # a list's node: its items' nodes, in order

    def add(self, parent: int, token: str | int) -> int:
        """A new node under ``parent`` (-1 for the top value); a repeated key names the newest."""
        node = len(self.parents)
        self.parents.append(parent)
        self.tokens.append(token)
        if isinstance(token, int):
            self.items.setdefault(parent, []).append(node)
        elif parent >= 0:
            self.members[(parent, token)] = node
        return node

    def find(self, pointer: str) -> int | None:  # of a tree with a top value
        try:
            tokens = pointers.split(pointer)
        except ValueError:
            return None
        node = 0
        for token in tokens:
            items = self.items.get(node)
            if items is None:
                found = self.members.get((node, token))
            else:
                index = pointers.list_index(token, len(items))
                found = None if index is None else items[index]
            if found is None:
                return None
            node = found
        return node

    def pointer(self, node: int, *, replaced: bool = False) -> str | None:
        """None for a node a repeated key replaced (or one inside it), unless ``replaced``."""
        tokens = []
        while node > 0:
            parent, token = self.parents[node], self.tokens[node]
            if not replaced and isinstance(token, str) and self.members.get((parent, token)) != node:
                return None
            tokens.append(token)
            node = parent
        return pointers.join(reversed(tokens))


class Located(Mapping[str, V]):
    """A read-only mapping from pointer to what was recorded for that value (``doc.values["/git"]``)."""

    __slots__ = ("tree", "by_node")

    def __init__(self, tree: NodeTree, by_node: dict[int, V] | None = None) -> None:
        self.tree = tree
        self.by_node: dict[int, V] = {} if by_node is None else by_node

    def __getitem__(self, pointer: str) -> V:
        node = self.tree.find(pointer) if self.by_node and isinstance(pointer, str) else None
        if node is None or node not in self.by_node:
            raise KeyError(pointer)
        return self.by_node[node]

    def __len__(self) -> int:
        return sum(1 for _ in self.items())

    def __bool__(self) -> bool:  # without building a pointer
        return bool(self.by_node)

    def __iter__(self) -> Iterator[str]:
        return (pointer for pointer, _ in self.items())

    def items(self) -> Iterator[tuple[str, V]]:  # type: ignore[override]
        """In document order; each pointer is built as it is reached (not looked up)."""
        for node, value in self.by_node.items():
            pointer = self.tree.pointer(node)
            if pointer is not None:
                yield pointer, value

    def __repr__(self) -> str:
        return f"Located({dict(self.items())!r})"


# The value classes here are NamedTuples, not dataclasses: importing dataclasses and building
# the classes cost the hook about 10 ms of its start-up in a fresh venv (bench/RESULTS.md).
class DuplicateKey(NamedTuple):
    pointer: str
    key: str
    line: int
    column: int
    first_line: int


class Span(NamedTuple):
    """Where a value stands in the text (``text[start:end]``); a block collection ends where the
    next token starts, which may be after trailing comments and blank lines."""

    start: int
    end: int
    kind: str  # scalar, alias, sequence or mapping
    style: str  # a scalar's ('' plain, ', ", |, >), a collection's (flow or block)
    key_start: int = -1  # its key's, in a mapping
    key_end: int = -1


class Duplicates:
    """The duplicate keys of a document, in document order, each built only when read: a reader
    that reports the first few of a million pays for those few."""

    __slots__ = ("tree", "found")

    def __init__(self, tree: NodeTree) -> None:
        self.tree = tree
        self.found: list[tuple[int, str, int, int, int]] = []  # node, key, line, column, first line

    def __len__(self) -> int:
        return len(self.found)

    def __getitem__(self, index: int) -> DuplicateKey:
        node, key, line, column, first_line = self.found[index]
        return DuplicateKey(self.tree.pointer(node, replaced=True) or "", key, line, column, first_line)

    def __iter__(self) -> Iterator[DuplicateKey]:
        return (self[index] for index in range(len(self.found)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Duplicates, list)):
            return list(self) == list(other)
        return NotImplemented  # and unhashable, as a class that defines __eq__ alone is

    def __repr__(self) -> str:
        return repr(list(self))


_NOTHING_LOCATED: Located[Any] = Located(NodeTree())
_NO_DUPLICATES = Duplicates(NodeTree())


class Document(NamedTuple):
    """A parsed document; what is not given is empty (and read-only, so shared)."""

    data: Any
    values: Located[tuple[int, int]] | dict[str, tuple[int, int]] = _NOTHING_LOCATED
    keys: Located[tuple[int, int]] | dict[str, tuple[int, int]] = _NOTHING_LOCATED
    duplicates: Duplicates | list[DuplicateKey] = _NO_DUPLICATES
    # The source text of each plain scalar YAML 1.2 read as a number or a boolean
    # (``1.10``, ``010``, ``true``): what the Go isollm keeps where it wants text.
    texts: Located[str] = _NOTHING_LOCATED
    # The %YAML directive's version and where it stands (None without one).
    version: tuple[int, int] | None = None
    version_at: tuple[int, int] = (1, 1)
    spans: Located[Span] = _NOTHING_LOCATED  # filled only by ``parse_yaml(text, spans=True)``

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int | None, int | None]:
        """Line and column of ``pointer`` (its key when ``key``), else of its nearest ancestor."""
        if key and pointer in self.keys:
            return self.keys[pointer]
        while True:
            if pointer in self.values:
                return self.values[pointer]
            if not pointer:
                return None, None
            pointer = pointers.parent(pointer)


def _position(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


# Only a plain scalar starting with one of these can match a pattern above; any other (most
# scalars in a config: keys, names, images) is a string without trying them all.
_NON_STRING_START = frozenset("~nNtTfF+-.0123456789")


def _plain_scalar(text: str) -> Any:
    if text and text[0] not in _NON_STRING_START:
        return text
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        try:
            return int(text)
        except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
            raise YamlError(f"number is too large ({len(text)} digits)") from None
    if _OCT_HEX.match(text):
        value = int(text, 0)
        try:
            str(value)  # int() reads any number of hex or octal digits, str() prints only so many decimal ones
        except ValueError:
            raise YamlError(f"number is too large ({len(text) - 2} digits in base {8 if text[1] == 'o' else 16})") \
                from None
        return value
    if _FLOAT.match(text):
        return float(text)
    if _INF_NAN.match(text):
        return float(text.replace(".", "", 1))  # float() reads inf and nan, without YAML's dot
    return text


_TAG_TYPES: dict[str, type | tuple[type, ...]] = {
    "int": int, "float": (int, float), "bool": bool, "null": type(None)}


def _tagged_scalar(tag: str, text: str, mark: Any) -> Any:
    kind = tag[len(_TAG):] if tag.startswith(_TAG) else None
    if tag == "!" or kind == "str":
        return text
    value = _plain_scalar(text)
    expected = _TAG_TYPES.get(kind or "")
    if expected is None:
        raise YamlError(f"unsupported YAML tag {_short_tag(tag)}", *_position(mark))
    if not isinstance(value, expected) or (kind != "bool" and isinstance(value, bool)):
        raise YamlError(f"{text!r} is not a valid !!{kind}", *_position(mark))
    if kind == "float" and isinstance(value, int):
        try:
            return float(value)
        except OverflowError:  # beyond the largest double an infinity, as ``1e400`` reads
            return math.inf if value > 0 else -math.inf
    return value


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


class _Builder:
    """Turns parser events into values; an explicit stack keeps deep input off the C stack."""

    def __init__(self, spans: bool = False) -> None:
        self.tree = NodeTree()
        self.positions: dict[int, tuple[int, int]] = {}
        self.key_positions: dict[int, tuple[int, int]] = {}
        self.texts: dict[int, str] = {}
        self.span_of: dict[int, Span] = {}
        self.duplicates = Duplicates(self.tree)
        self.data: Any = None
        self.spans = spans
        self.key_marks = (-1, -1)  # offsets of the key just read, for the span of its value
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.anchor_texts: dict[str, str] = {}  # of anchored scalars that have a source text
        self.nodes = self.chars = self.documents = 0
        self.version: tuple[int, int] | None = None  # of a %YAML directive, and where it stands
        self.version_at = (1, 1)
        # Each frame: [container, node, pending_key, key_position, first_lines, anchor,
        #              nodes_at_start, chars_at_start]
        self.stack: list[list[Any]] = []

    def document(self) -> Document:
        return Document(self.data, Located(self.tree, self.positions), Located(self.tree, self.key_positions),
                        self.duplicates, Located(self.tree, self.texts), self.version, self.version_at,
                        Located(self.tree, self.span_of) if self.spans else _NOTHING_LOCATED)

    def _count(self, amount: int, mark: Any, chars: int = 0) -> None:
        self.nodes += amount
        self.chars += chars
        if self.nodes > MAX_NODES:
            raise YamlError(f"document has more than {MAX_NODES} values (alias expansion?)",
                            *_position(mark))
        if self.chars > MAX_EXPANDED_CHARS:
            raise YamlError(f"aliases expand the document to more than {MAX_EXPANDED_CHARS} characters",
                            *_position(mark))

    def _attach(self, value: Any, event: Any, kind: str, style: str) -> int:
        """Put ``value`` in its place (the top, or the open list or mapping); its node."""
        if not self.stack:
            self.data = value
            node = self.tree.add(-1, "")
        elif isinstance(self.stack[-1][0], list):
            container, parent_node = self.stack[-1][:2]
            node = self.tree.add(parent_node, len(container))
            container.append(value)
        else:
            frame = self.stack[-1]
            container, parent_node, key, key_position, first_lines = frame[:5]
            node = self.tree.add(parent_node, key)
            if key in container:
                self.duplicates.found.append((node, key, *key_position, first_lines[key]))
            else:
                first_lines[key] = key_position[0]
            container[key] = value
            frame[2] = None
            self.key_positions[node] = key_position
        self.positions[node] = _position(event.start_mark)
        if self.spans:
            in_mapping = bool(self.stack) and isinstance(self.stack[-1][0], dict)
            self.span_of[node] = Span(event.start_mark.index, event.end_mark.index, kind, style,
                                      *(self.key_marks if in_mapping else (-1, -1)))
        return node

    def _expecting_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1][0], dict) and self.stack[-1][2] is None

    def scalar(self, event: Any) -> None:
        self._count(1, event.start_mark, len(event.value))
        has_text = False  # a plain scalar read as a number or a boolean: its text is kept
        key = self._expecting_key()
        try:
            if event.tag not in (None, "!") or not event.implicit[0]:
                value = (event.value if event.tag is None else
                         _tagged_scalar(event.tag, event.value, event.start_mark))
            else:
                value = _plain_scalar(event.value)
                has_text = value is not None and not isinstance(value, str)
        except YamlError as error:
            if not key or error.line is not None:
                line, column = _position(event.start_mark)
                raise error.locate(line=line, column=column) from None
            value = event.value  # a key is only ever a name: keep its text
        if key:
            self.stack[-1][2] = event.value  # a key is a name, whatever it reads as
            self.stack[-1][3] = _position(event.start_mark)
            if self.spans:
                self.key_marks = (event.start_mark.index, event.end_mark.index)
            return
        node = self._attach(value, event, "scalar", event.style or "")
        if has_text:
            self.texts[node] = event.value
        if event.anchor:
            self.anchors[event.anchor] = (value, 1, len(event.value))
            self.anchor_texts.pop(event.anchor, None)
            if has_text:
                self.anchor_texts[event.anchor] = event.value

    def alias(self, event: Any) -> None:
        if event.anchor not in self.anchors:
            raise YamlError(f"unknown alias *{event.anchor}", *_position(event.start_mark))
        value, size, chars = self.anchors[event.anchor]
        self._count(size, event.start_mark, chars)
        if self._expecting_key():
            raise YamlError("an alias cannot be a mapping key", *_position(event.start_mark))
        node = self._attach(value, event, "alias", "*")
        if event.anchor in self.anchor_texts:
            self.texts[node] = self.anchor_texts[event.anchor]

    def start(self, event: Any) -> None:
        mapping = isinstance(event, yaml.MappingStartEvent)
        if event.tag not in (None, "!", _TAG + ("map" if mapping else "seq")):
            raise YamlError(f"unsupported YAML tag {_short_tag(event.tag)}", *_position(event.start_mark))
        if self._expecting_key():
            raise YamlError("mapping keys must be plain values, not lists or mappings",
                            *_position(event.start_mark))
        if len(self.stack) >= MAX_DEPTH:
            raise YamlError(_TOO_DEEP, *_position(event.start_mark))
        self._count(1, event.start_mark)
        container: Any = {} if mapping else []
        node = self._attach(container, event, "mapping" if mapping else "sequence",
                            "flow" if event.flow_style else "block")
        self.stack.append([container, node, None, (0, 0), {}, event.anchor, self.nodes, self.chars])

    def end(self, event: Any) -> None:
        frame = self.stack.pop()
        if self.spans:
            self.span_of[frame[1]] = self.span_of[frame[1]]._replace(end=event.end_mark.index)
        container, anchor, nodes_at_start, chars_at_start = frame[0], frame[5], frame[6], frame[7]
        if anchor:
            self.anchors[anchor] = (container, self.nodes - nodes_at_start + 1, self.chars - chars_at_start)

    def document_start(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise YamlError("expected one YAML document, found more than one", *_position(event.start_mark))
        if event.version is not None:
            self.version, self.version_at = event.version, _position(event.start_mark)


# What each parser event does (stream and document ends change nothing).
_HANDLERS: dict[type, Callable[[_Builder, Any], None]] = {
    yaml.ScalarEvent: _Builder.scalar, yaml.AliasEvent: _Builder.alias, yaml.MappingStartEvent: _Builder.start,
    yaml.SequenceStartEvent: _Builder.start, yaml.MappingEndEvent: _Builder.end, yaml.SequenceEndEvent: _Builder.end,
    yaml.DocumentStartEvent: _Builder.document_start}


def parse_yaml(text: str, *, path: str = "", spans: bool = False) -> Document:
    """One YAML document, or ``YamlError`` located in the file ``path``."""
    builder = _Builder(spans)
    parser = None
    try:
        parser = _Parser(text)
        while not isinstance(event := parser.get_event(), yaml.StreamEndEvent):
            handler = _HANDLERS.get(type(event))
            if handler is not None:
                handler(builder, event)
    except YamlError as error:  # the builder's
        raise error.locate(path=path) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = _position(mark) if mark is not None else (None, None)
        problem = error.problem or error.context or "invalid YAML"
        if problem == _LIBYAML_TOO_DEEP:  # the same fault, whichever limit saw it first
            raise YamlError(_TOO_DEEP, line, column, path=path) from None
        if line is not None and column is not None:
            problem = _explained(text, line, column, problem)
        raise YamlError(f"invalid YAML: {problem}", line, column, path=path) from None
    except yaml.YAMLError as error:
        raise _reader_error(text, error).locate(path=path) from None
    except UnicodeEncodeError as error:
        # libyaml reads UTF-8: a lone surrogate (only from str input, never a decoded file) is not.
        raise YamlError(f"character U+{ord(text[error.start]):04X} is not valid text",
                        *_line_column(text, error.start), path=path) from None
    finally:
        if parser is not None:
            parser.dispose()
    return builder.document()


def _line_column(text: str | bytes, index: int) -> tuple[int, int]:
    newline = "\n" if isinstance(text, str) else b"\n"
    return text.count(newline, 0, index) + 1, index - text.rfind(newline, 0, index)  # type: ignore[arg-type]


def _spaces(count: int) -> str:
    return f"{count} space" + ("" if count == 1 else "s")


def _indent(text_line: str) -> int:
    return len(text_line) - len(text_line.lstrip(" "))


def _explained(text: str, line: int, column: int, problem: str) -> str:
    """libyaml's ``problem`` at a 1-based line and column, with what the text shows of it: a tab
    (libyaml names it only sometimes), or for a key out of place the indentation the lines above ask."""
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        return problem
    if lines[line - 1][column - 1:column] == "\t":
        return "a tab cannot indent or start a value in YAML; use spaces"
    here = _indent(lines[line - 1])
    above = [text_line for text_line in lines[:line - 1]
             if text_line.strip() and not text_line.lstrip().startswith("#")]
    if not above:
        return problem
    if problem == "did not find expected key":
        levels: list[int] = []  # the indentation of each block still open there, innermost first
        for text_line in reversed(above):
            if not levels or _indent(text_line) < levels[-1]:
                levels.append(_indent(text_line))
        if here in levels:
            return problem
        choices = " or ".join(str(level) for level in sorted(levels)) + (" space" if levels == [1] else " spaces")
        return problem + (f" (line {line} is indented by {_spaces(here)}, which matches no key above it: indent it by "
                f"{choices}, like the keys it belongs with)")
    if problem == "mapping values are not allowed in this context":
        key_above = above[-1]
        if here > _indent(key_above) and key_above.partition(":")[2].strip():
            return problem + (f" (line {line} is indented by {_spaces(here)}, more than the key above it, which has "
                              f"its value already: a key beside it is indented by {_spaces(_indent(key_above))})")
    return problem


def _reader_error(text: str, error: yaml.YAMLError) -> YamlError:
    """A reader's complaint (a character YAML does not allow), located."""
    character = getattr(error, "character", None)
    if isinstance(character, int):  # the pure-Python reader gives the code point
        character = chr(character)
    if isinstance(character, str):
        reason = getattr(error, "reason", None) or "this character is not allowed in YAML"
        problem = f"invalid YAML: {reason}: U+{ord(character):04X}"
    else:
        problem = "invalid YAML: " + (str(error).splitlines()[0] if str(error) else "unreadable input")
    position = getattr(error, "position", None)
    if not isinstance(position, int):
        return YamlError(problem)
    if getattr(error, "encoding", "unicode") != "unicode":
        # libyaml counts bytes of the UTF-8 text; the pure-Python reader counts characters.
        position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
    return YamlError(problem, *_line_column(text, position))


def decode_utf8(raw: bytes, *, path: str = "") -> str:
    """UTF-8 text of ``raw`` without a byte order mark; ``YamlError`` with a location (in the
    file ``path``) if not UTF-8."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlError("file is UTF-16 or UTF-32 encoded (byte order mark); save it as UTF-8", 1, 1, path=path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlError(f"file is not valid UTF-8 (byte 0x{raw[error.start]:02x})", *_line_column(raw, error.start),
                        path=path) from None


def read_limited(path: str | os.PathLike[str], *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The regular file's bytes, refusing more than ``limit`` before reading them all."""
    return within_limit(read_at_most(path, limit + 1), os.fspath(path), limit=limit)


def within_limit(raw: bytes, path: str, *, what: str = "file", limit: int = MAX_FILE_BYTES) -> bytes:
    """``raw`` (read with one byte to spare), or ``YamlError`` when it holds more than ``limit``."""
    if len(raw) > limit:
        raise YamlError(f"{what} is larger than {limit // 1024} KiB; a config this large is not plausible", path=path)
    return raw


def copy_data(value: Any, leaf: Callable[[Any], Any] | None = None) -> Any:
    """A deep copy of YAML or JSON data; with ``leaf``, each value other than a mapping or list is ``leaf(value)``."""
    if isinstance(value, dict):
        return {key: copy_data(item, leaf) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_data(item, leaf) for item in value]
    if leaf is not None:
        return leaf(value)
    if value is None or isinstance(value, (str, int, float)):
        return value
    import copy  # only for what else a loader may give: never for a config read from a file

    return copy.deepcopy(value)


_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


class _Dumper(yaml.SafeDumper):
    """Quotes every string that a YAML 1.2 reader would take for another type, and writes
    a string of several lines as a ``|`` block, as people write a ``setup_script``."""

    def choose_scalar_style(self) -> str:
        event: Any = self.event  # a ScalarEvent whenever the emitter asks this
        if event.style == "|" and not self.flow_level and not self.simple_key_context:
            # PyYAML counts a tab as a special character and then quotes the whole script;
            # inside a block a tab is content like any other (only the indentation must be
            # spaces, and PyYAML writes that), so judge the text as if it were a space.
            if self.analyze_scalar(event.value.replace("\t", " ")).allow_block:
                # Text ending in a blank line needs "|+", after which PyYAML ends the document ("..."),
                # and a config is written a section at a time: quote it.
                return '"' if event.value.endswith("\n\n") or event.value == "\n" else "|"
        return str(super().choose_scalar_style())

    # With allow_unicode PyYAML writes every printable character as it is, the bidirectional
    # controls too, which make a terminal show text other than what is there: a string holding
    # one is written double-quoted (``_represent_str``) with escapes, as a terminal escape is.
    def write_double_quoted(self, text: str, split: bool = True) -> None:
        allowed = self.allow_unicode
        self.allow_unicode = allowed and not BIDI_CONTROLS.search(text)
        try:
            super().write_double_quoted(text, split)
        finally:
            self.allow_unicode = allowed

    def determine_block_hints(self, text: str) -> str:
        hints = str(super().determine_block_hints(text))
        if text.startswith("\t"):
            # libyaml cannot guess a block's indentation from a first line that starts with a tab
            hints = str(self.best_indent) + hints
        return hints


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Also for ``yaml_edit``'s strings, which carry the ``style`` of the value they replace."""
    try:
        value.encode("utf-8")  # fails exactly on a lone surrogate, which no YAML reader reads back
    except UnicodeEncodeError:
        raise YamlError(f"cannot write {value!r}: a lone surrogate is not text any YAML reader accepts") from None
    style = getattr(value, "style", None)
    if style is None:
        try:
            plain = _plain_scalar(value)
        except YamlError:  # a number too long to convert: it must stay a quoted string
            plain = None
        style = None if plain == value and isinstance(plain, str) else "'"
        if "\n" in value:
            style = "|"  # a block when the emitter can write one exactly, else quoted
    if _LINE_BREAKS.search(value) or BIDI_CONTROLS.search(value):
        # libyaml reads NEL, LS and PS as line breaks even inside single quotes and folds
        # them to spaces; only double quotes (as \N, \L, \P escapes) keep them.
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_multi_representer(str, _represent_str)  # and yaml_edit's str subclass


def dump_yaml(data: Any) -> str:
    """Block-style YAML that reads back, under YAML 1.1 or 1.2, as exactly ``data``."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False)
