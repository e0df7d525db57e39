"""A config written for people: every key with a short comment from the schema.

Like the example config in isollm's own docs, each key is preceded by a comment
(the subschema's ``x-comment``, else the first sentence of its ``description``),
keys with a value are written, and an optional key the config leaves out is
shown commented out with the schema's first example (``# upstream: origin``), so
uncommenting it is all it takes. Everything comes from the schema: a changed
description changes the comment. Read back, the text is the same config (a
commented-out key is not written; a section left with only comments is null,
which counts as not written too).
"""

from __future__ import annotations

import re
import textwrap
from typing import Any, Iterator, Mapping

from isollm.io.yamlio import dump_yaml

WIDTH = 100
INDENT = "  "
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def comment_text(schema: Mapping[str, Any]) -> str:
    """The short comment for a key: its ``x-comment``, or its description's first sentence,
    followed by its allowed values when it has an ``enum``."""
    text = schema.get("x-comment") or _SENTENCE_END.split(str(schema.get("description", "")).strip(), 1)[0]
    choices = [str(value) for value in schema.get("enum", []) if value is not None]
    if choices and "x-comment" not in schema:
        text = f"{text.rstrip('.')}: {', '.join(choices[:-1])} or {choices[-1]}."
    return str(text)


def _comment(text: str, indent: str) -> Iterator[str]:
    for line in textwrap.wrap(text, WIDTH - len(indent) - 2, break_long_words=False, break_on_hyphens=False):
        yield f"{indent}# {line}"


def _written(key: str, value: Any, indent: str) -> Iterator[str]:
    for line in dump_yaml({key: value}).splitlines():
        yield indent + line


def _shown(schema: Mapping[str, Any]) -> tuple[bool, Any]:
    """Whether a key left out has something to show commented out, and what."""
    default = schema.get("default")
    if default not in (None, [], "", {}):
        return True, default
    examples = schema.get("examples") or []
    return (True, examples[0]) if examples else (False, None)


def _entries(schema: Mapping[str, Any], data: Mapping[str, Any], depth: int) -> Iterator[str]:
    indent = INDENT * depth
    properties = schema.get("properties", {})
    for key, sub in properties.items():
        if depth == 0:
            yield ""
        yield from _comment(comment_text(sub), indent)
        value = data.get(key)
        if sub.get("properties") and (value is None or isinstance(value, dict)):
            yield f"{indent}{key}:"
            yield from _entries(sub, value or {}, depth + 1)
        elif value is not None and not (value == [] and sub.get("default") == []):
            yield from _written(key, value, indent)
        else:
            show, example = _shown(sub)
            if show:
                yield from (f"{indent}# {line}" for line in dump_yaml({key: example}).splitlines())
    # Keys the schema does not know (an invalid config): kept, so nothing is lost.
    for key, value in data.items():
        if key not in properties:
            yield from _written(key, value, indent)


def commented_config(data: Mapping[str, Any], schema: Mapping[str, Any]) -> str:
    """``data`` (a config as a mapping) as YAML with a comment before every key, from ``schema``.

    A key ``data`` gives a value is written, unless it is null or the empty list that is its
    default; any other is shown commented out, with its default or first example.
    """
    header = [f"# {schema.get('title', 'Configuration')}. A key left out, empty or commented out "
              "takes its default."]
    return "\n".join([*header, *_entries(schema, data, 0)]) + "\n"
