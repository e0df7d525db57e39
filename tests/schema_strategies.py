"""Hypothesis strategies read from a JSON Schema, so that a new field is fuzzed without a test edit.

For every node of the schema (walking ``properties``, ``items``, local ``$ref`` and
``anyOf``/``oneOf``) two strategies are derived from its keywords:

- ``valid(node)``: values meant to pass: its enum, default and examples, numbers within and on its
  ``minimum``/``maximum``, text drawn from its ``pattern`` within its lengths, objects with their
  required keys and any optional ones;
- ``edge(node)``: values on or just past a limit: numbers around the limits, text one character
  short or long, text breaking the pattern (a trailing newline, a control character...), enum
  look-alikes, what ``not`` forbids, unknown keys, missing required keys, wrong types, and seed
  strings known to trip validators (for the string grammars, and a generic set for any text).

"Meant to pass" is a bias, not a promise: formats and cross-field keywords decide too, and
a test that needs a verdict asks a validator. ``configs(schema)`` is a document valid in most
fields with up to three of them pushed to or past a limit.
"""

from __future__ import annotations

import importlib
import math
import random
import re
from functools import lru_cache
from typing import Any, Iterator

from hypothesis import strategies as st

# Values of every JSON type, including those YAML and Python treat specially.
WRONG_TYPES = st.sampled_from([None, True, False, 0, 1.5, -3, "", "x", [], ["a"], {}, {"a": 1}, math.inf, math.nan])

# Text that has tripped, or could trip, a validator, whatever the field: applied to every string.
GENERIC_SEEDS = ["", " ", "x", "a b", "a\nb", "a\tb", "a\x01b", "\x00", "\x7f", "a..b", "-x", "x.", "/", "@",
                 "#", "'", "~", "é", "ünïcode", "\u202eevil", "\u200b", "x" * 300, "run it", "yes", "no", "on",
                 "null", "0755", "0o17", "0x1F", "1e3", ".inf", "2024-01-01", "1:30", "[1, 2]", "{}", "fix#12",
                 "../x", "Auto", "٣٠٠٠"]
# Text for the string grammars (branch names, hosts, images, remotes, port mappings): the schema
# says them as allOf entries of patterns, and every string node with such rules gets these seeds,
# so a new grammar field is fuzzed with them too. Some pass, most break one rule or several.
GRAMMAR_SEEDS: list[str] = [
    # images
    "ubuntu", "UPPER:1", "name@sha256:" + "a" * 64, "name@sha256:abc", "a" * 12, "ghcr.io/Acme/dev:1", ":tag",
    "img:", "localhost:5000/x:1", "x//y", "reg.io/x:" + "t" * 129, "ubuntu:24.04\u200b", "0abc:v1",
    "ghcr.io/org/img@sha512:" + "b" * 128, "@sha256:" + "a" * 64,
    # hosts
    "127.0.0.1", "::1", "[::1]", "[fe80::1]", "[::ffff:10.0.0.1]", "[::1", "[fe80::1%eth0]", "tasks.internal",
    "256.1.1.1", "-bad", "x" * 64, "host_name", "1.2.3", "fe80::1%eth0", "local host", "localhost.", "a.123",
    "localhost:7432",
    # git branches and prefixes
    "release/1.x", "a/", "/a", "a.lock", "a@{b", "feature/.hidden", "HEAD", "a//b", "no-slash", "a..b/", "-x/",
    "x.lock/", "a b/", "nested/deep/", "a//",
    # remotes
    "git@github.com:acme/app.git", "https://github.com/a/b.git", "ftp://x/y", "https:///path", "https://host",
    "./local", "/abs/path", "bad remote", "host:", "HTTPS://h/x", "git@[::1]:x.git",
    # port mappings
    "abc", "1:2:3", " 80", "080", "0080:80", "80:", ":80", "8080:80 ", "+80", "65535:65535",
    "00000000000000000001", "0", "65536", "1:0",
]


def _rules(node: dict[str, Any]) -> list[tuple[str | None, str]]:
    """The (condition, pattern) of each allOf rule of a node: a rule applies where its condition matches."""
    rules: list[tuple[str | None, str]] = []
    for entry in node.get("allOf", []):
        if isinstance(entry.get("then"), dict) and "pattern" in entry["then"]:
            rules.append((entry.get("if", {}).get("pattern"), entry["then"]["pattern"]))
        elif "pattern" in entry:
            rules.append((None, entry["pattern"]))
    return rules


def ecma_search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` (ECMA-262, as JSON Schema means it) finds a match in ``text``."""
    return python_regex(pattern).search(text) is not None


@lru_cache(maxsize=None)
def python_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` for Python: ``$`` only at the very end (not before a final newline), ASCII ``\\d``/``\\w``."""
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == "]":
            in_class = False
            out.append(char)
        elif char == "$" and not in_class:
            out.append(r"\Z")
        else:
            out.append(char)
    return re.compile("".join(out), re.ASCII)


_ANYTHING: dict[str, Any] = {}

try:
    _sre: Any = importlib.import_module("re._parser")  # Python >= 3.11
except ImportError:  # Python 3.10
    _sre = importlib.import_module("sre_parse")

# Characters a generated string may hold: ASCII, some that are not, controls (negated classes then decide).
_POOL = [chr(c) for c in range(0x20, 0x7F)] + list("éüß中😀\u00a0\u2028\x85\t\x01\x1f\x7f")
_CATEGORIES = {"CATEGORY_DIGIT": "0123456789", "CATEGORY_NOT_DIGIT": "a-_ é",
               "CATEGORY_WORD": "azAZ09_", "CATEGORY_NOT_WORD": " -./:@é", "CATEGORY_SPACE": " \t",
               "CATEGORY_NOT_SPACE": "aZ0-_é"}


def _class_chars(items: list[Any]) -> list[str]:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    members: set[str] = set()
    for op, arg in items:
        if str(op) == "LITERAL":
            members.add(chr(arg))
        elif str(op) == "RANGE":
            low, high = arg
            members |= {chr(low), chr(high), chr((low + high) // 2)} if high - low > 200 else \
                {chr(c) for c in range(low, high + 1)}
        elif str(op) == "CATEGORY":
            members |= set(_CATEGORIES.get(str(arg), ""))
    if not negate:
        return sorted(members)
    if any(str(op) == "RANGE" for op, _ in items):  # a negated range: test the pool against it
        ranges = [arg for op, arg in items if str(op) == "RANGE"]
        members |= {c for c in _POOL if any(low <= ord(c) <= high for low, high in ranges)}
    return [c for c in _POOL if c not in members]


def _generate(parsed: Any, rnd: random.Random) -> str:
    """A string matching the parsed regular expression, chosen by ``rnd`` (a Random from hypothesis)."""
    out: list[str] = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append(rnd.choice([c for c in _POOL if c != chr(arg)]))
        elif name == "ANY":
            out.append(rnd.choice(_POOL))
        elif name == "IN":
            out.append(rnd.choice(_class_chars(arg) or ["a"]))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            count = rnd.choice([low, low, low + 1, min(high, low + rnd.randint(0, 12))])
            out.extend(_generate(sub, rnd) for _ in range(min(count, high)))
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            out.append(_generate(arg[-1], rnd))
        elif name == "BRANCH":
            out.append(_generate(rnd.choice(arg[1]), rnd))
        elif name != "AT":
            raise ValueError(f"no generator for {name}")
    return "".join(out)


def from_pattern(pattern: str) -> st.SearchStrategy[str]:
    """Text matching ``pattern``: a cheaper stand-in for ``st.from_regex`` (a tenth of the cost per draw).

    An unanchored start gets a short prefix; shrinking is coarser than from_regex's, which matters little here.
    """
    compiled = python_regex(pattern)
    try:
        parsed = _sre.parse(compiled.pattern, compiled.flags)
        _generate(parsed, random.Random(0))
    except (ValueError, TypeError):
        return st.from_regex(compiled)
    anchored = compiled.pattern.startswith("^")
    prefix = st.just("") if anchored else st.text(st.sampled_from(_POOL[:95]), max_size=8)
    return st.builds(lambda head, rnd: head + _generate(parsed, rnd), prefix, st.randoms(use_true_random=False))


def _no_surrogates(text: str) -> bool:
    return not any("\ud800" <= char <= "\udfff" for char in text)


def _around(*points: int) -> list[int]:
    return sorted({p + d for p in points for d in (-1, 0, 1)})


class SchemaStrategies:
    """The strategies of one schema (its local ``$ref`` targets resolved against it)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._valid: dict[int, st.SearchStrategy[Any]] = {}
        self._edge: dict[int, st.SearchStrategy[Any]] = {}
        # Numbers the schema names anywhere: a limit or default of one field is worth trying in another
        # (a forwarded port equal to airyra.port's default, say).
        self.numbers = sorted({n for node in self._nodes(schema) for key in ("minimum", "maximum", "default")
                               for n in [node.get(key)] if isinstance(n, int) and not isinstance(n, bool)})

    # -- walking ------------------------------------------------------------------

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
            target: Any = self.schema
            for part in node["$ref"][2:].split("/") if node["$ref"] != "#" else []:
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def _nodes(self, node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield node
        for sub in node.get("properties", {}).values():
            yield from self._nodes(sub)
        if isinstance(node.get("items"), dict):
            yield from self._nodes(node["items"])
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                yield from self._nodes(sub)

    def fields(self, node: dict[str, Any] | None = None, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
        """(JSON pointer, node) of every property at any depth (array items as ``/0``)."""
        node = self.resolve(self.schema if node is None else node)
        for name, sub in node.get("properties", {}).items():
            where = f"{pointer}/{name.replace('~', '~0').replace('/', '~1')}"
            yield where, self.resolve(sub)
            yield from self.fields(sub, where)
        if isinstance(node.get("items"), dict):
            yield from self.fields(node["items"], f"{pointer}/0")

    def keys(self) -> list[str]:
        """Every property name the schema declares, at any depth."""
        return sorted({pointer.rsplit("/", 1)[1] for pointer, _ in self.fields() if not pointer.endswith("/0")})

    # -- strategies ---------------------------------------------------------------

    def valid(self, node: dict[str, Any]) -> st.SearchStrategy[Any]:
        return self._cached(self._valid, node, edge=False)

    def edge(self, node: dict[str, Any]) -> st.SearchStrategy[Any]:
        return self._cached(self._edge, node, edge=True)

    def _cached(self, cache: dict[int, st.SearchStrategy[Any]], node: dict[str, Any], *,
                edge: bool) -> st.SearchStrategy[Any]:
        key = id(node)
        if key not in cache:
            # Deferred only while being built: a schema that refers to itself ($ref) still terminates.
            cache[key] = st.deferred(lambda: cache[key])
            cache[key] = self._build(self.resolve(node), edge=edge)
        return cache[key]

    def configs(self, max_pushed: int = 3) -> st.SearchStrategy[dict[str, Any]]:
        """A document valid in most fields, with zero to ``max_pushed`` of them pushed to or past a limit."""
        return self._object(self.resolve(self.schema), edge=True, min_pushed=0, max_pushed=max_pushed)

    def _build(self, node: dict[str, Any], *, edge: bool) -> st.SearchStrategy[Any]:
        branches = node.get("anyOf") or node.get("oneOf")
        if branches:
            rest = {k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}
            options = [self._build(self.resolve({**rest, **branch}), edge=edge) for branch in branches]
            return st.one_of(*options, WRONG_TYPES) if edge else st.one_of(*options)
        types = node.get("type")
        if isinstance(types, list):
            return st.one_of(*(self._build({**node, "type": kind}, edge=edge) for kind in types))
        if "const" in node:
            return st.one_of(st.just(node["const"]), WRONG_TYPES) if edge else st.just(node["const"])
        if types == "object" or (types is None and "properties" in node):
            return self._object(node, edge=edge, min_pushed=1, max_pushed=3)
        builder = {"array": self._array, "string": self._string, "integer": self._integer,
                   "number": self._integer, "boolean": self._boolean,
                   "null": lambda node, edge: st.one_of(st.none(), WRONG_TYPES) if edge else st.none()}.get(str(types))
        if builder is None:
            known = [v for v in (*node.get("enum", []), *node.get("examples", [])) if v is not None]
            return st.one_of(st.sampled_from(known), WRONG_TYPES) if known else WRONG_TYPES
        return builder(node, edge=edge)

    def _forbidden(self, node: dict[str, Any]) -> list[Any]:
        forbidden = node.get("not", {})
        return [*([forbidden["const"]] if "const" in forbidden else []), *forbidden.get("enum", [])]

    def _object(self, node: dict[str, Any], *, edge: bool, min_pushed: int, max_pushed: int) -> st.SearchStrategy[Any]:
        properties: dict[str, Any] = node.get("properties", {})
        required = [name for name in node.get("required", []) if name in properties]
        closed = node.get("additionalProperties") is False
        names = sorted(properties)

        # Strategies made once, not at each draw (hypothesis validates every new strategy it draws from).
        choices = [*names, *(["<unknown key>"] if closed else []), *(["<missing required>"] if required else [])]
        pick_pushed = st.lists(st.sampled_from(choices), min_size=min_pushed, max_size=max_pushed)
        pick_required = st.sampled_from(required or [""])
        pick_unknown = st.sampled_from(["other", "x", "", "Project", *(n.upper() for n in names)])
        fields = [(name, name in required, self.valid(properties[name]), self.edge(properties[name]))
                  for name in names]

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            pushed = set(draw(pick_pushed)) if edge else set()
            value: dict[str, Any] = {}
            for name, needed, good, bad in fields:
                if name in pushed:
                    value[name] = draw(bad)
                elif needed or draw(st.booleans()):
                    value[name] = draw(good)
            if "<missing required>" in pushed:
                value.pop(draw(pick_required), None)
            if "<unknown key>" in pushed:
                value[draw(pick_unknown)] = 1
            return value

        if edge and node is not self.resolve(self.schema):
            return st.one_of(build(), build(), build(), WRONG_TYPES)
        return build()

    def _array(self, node: dict[str, Any], *, edge: bool) -> st.SearchStrategy[Any]:
        items = node["items"] if isinstance(node.get("items"), dict) else _ANYTHING
        low, high = node.get("minItems", 0), node.get("maxItems")
        unique = bool(node.get("uniqueItems"))
        if not edge:
            size = min(high if high is not None else low + 3, low + 3)
            return st.lists(self.valid(items), min_size=low, max_size=size, unique_by=repr if unique else None)
        options = [st.lists(st.one_of(self.valid(items), self.edge(items)), max_size=max(5, low + 2)), WRONG_TYPES]
        if low:
            options.append(st.lists(self.valid(items), max_size=low - 1))
        if high is not None:
            options.append(st.lists(self.valid(items), min_size=high + 1, max_size=high + 2))
        if unique:
            options.append(self.valid(items).map(lambda item: [item, item]))
        return st.one_of(*options)

    def _integer(self, node: dict[str, Any], *, edge: bool) -> st.SearchStrategy[Any]:
        low, high = node.get("minimum"), node.get("maximum")
        low = low if low is not None else (high - 100 if high is not None else -100)
        high = high if high is not None else low + 100_000
        inside = sorted({n for n in [*_around(low, high), *self.numbers, node.get("default")]
                         if isinstance(n, int) and low <= n <= high})
        if not edge:
            return st.one_of(st.sampled_from(inside), st.integers(low, high))
        outside = _around(low, high) + [0, -1, 10**20, -(10**20)]
        return st.one_of(st.sampled_from(outside),
                         st.sampled_from([float(low), float(high), low + 0.5, str(low), str(high), True, False]),
                         WRONG_TYPES)

    def _boolean(self, node: dict[str, Any], *, edge: bool) -> st.SearchStrategy[Any]:
        if not edge:
            return st.booleans()
        return st.one_of(st.sampled_from(["yes", "true", "True", "no", 0, 1, None]), WRONG_TYPES)

    def _accepts_text(self, node: dict[str, Any], text: str) -> bool:
        return (node.get("minLength", 0) <= len(text) <= node.get("maxLength", math.inf)
                and ("pattern" not in node or ecma_search(node["pattern"], text))
                and all(ecma_search(rule, text) for condition, rule in _rules(node)
                        if condition is None or ecma_search(condition, text))
                and ("enum" not in node or text in node["enum"])
                and text not in self._forbidden(node) and _no_surrogates(text))

    def _string(self, node: dict[str, Any], *, edge: bool) -> st.SearchStrategy[Any]:
        known = [v for v in [*node.get("enum", []), node.get("default"), *node.get("examples", [])]
                 if isinstance(v, str)]
        options: list[st.SearchStrategy[Any]] = []
        if known:
            options.append(st.sampled_from(known))
        if "enum" not in node:
            # A format has the last word on text: without a pattern, only its examples are likely to pass.
            if "pattern" in node:
                options.append(from_pattern(node["pattern"]))
            elif "format" not in node or not known:
                options.append(st.text(max_size=node.get("maxLength", 20)))
            seeds = [] if "format" in node else list(GENERIC_SEEDS)
            seeds += GRAMMAR_SEEDS if _rules(node) else []
            seeds += [str(n) for n in self.numbers] if {"minimum", "maximum"} & set(node) else []
            if seeds:
                options.append(st.sampled_from(seeds))
        good = st.one_of(*options).filter(lambda text: self._accepts_text(node, text))
        if not edge:
            return good
        low, high = node.get("minLength", 0), node.get("maxLength")
        lengths = [n for n in _around(low, *([high] if high is not None else [])) if n >= 0]

        pick_length = st.sampled_from(lengths)
        pick_change = st.sampled_from(["\n", " ", "\x01", "é", "_x", "-", "upper", "title", "double"])

        @st.composite
        def sized(draw: st.DrawFn) -> str:
            seed = draw(good) or "a"
            length = draw(pick_length)
            return (seed * (length // len(seed) + 1))[:length]

        @st.composite
        def broken(draw: st.DrawFn) -> str:
            text: str = draw(good)
            how = draw(pick_change)
            if how == "upper":
                return text.upper()
            if how == "title":
                return text.title()
            if how == "double":
                return text + text
            return text + how if draw(st.booleans()) else how + text

        seeds = [*GENERIC_SEEDS, *(GRAMMAR_SEEDS if _rules(node) else []), *self._forbidden(node)]
        if {"minimum", "maximum"} & set(node):  # text beside numbers (type [integer, string]): numbers as text
            seeds += [str(n) for n in _around(node.get("minimum", 0), node.get("maximum", 0)) + self.numbers]
        return st.one_of(sized(), broken(), st.sampled_from(seeds), WRONG_TYPES)
