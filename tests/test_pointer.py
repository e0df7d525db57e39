"""JSON pointers: one module builds, splits and walks them, keys with '~' and '/' included."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from isollm.schema import pointer
from isollm.schema.decide import validate_instance
from isollm.io.yamlio import parse_yaml

AWKWARD_KEYS = ["a/b", "~", "~1", "~0", "/", "a~/b", "", "0", "01", "é/ü", "~~//"]


@pytest.mark.parametrize("key", AWKWARD_KEYS)
def test_a_token_round_trips(key: str) -> None:
    token = pointer.escape(key)
    assert "/" not in token
    assert pointer.split("/" + token) == [key]
    assert pointer.split(pointer.child("", key)) == [key]


def test_escaping_follows_rfc_6901() -> None:
    assert pointer.escape("a/b") == "a~1b"
    assert pointer.escape("m~n") == "m~0n"
    assert pointer.escape("~1") == "~01"  # not "~1", which would read back as "/"
    assert pointer.split("/~01") == ["~1"]
    assert pointer.join(["a/b", 0, "~"]) == "/a~1b/0/~0"


@given(st.lists(st.text(max_size=6), max_size=5))
def test_join_and_split_are_inverse(keys: list[str]) -> None:
    assert pointer.split(pointer.join(keys)) == keys


@given(st.lists(st.sampled_from(AWKWARD_KEYS), min_size=1, max_size=4))
def test_resolve_finds_every_nested_key(keys: list[str]) -> None:
    document: Any = "leaf"
    for key in reversed(keys):
        document = {key: document}
    assert pointer.resolve(document, pointer.join(keys)) == "leaf"
    assert pointer.resolve(document, pointer.join([*keys, "missing"])) is pointer.MISSING


def test_resolve_walks_lists_by_canonical_index_only() -> None:
    document = {"ports": ["80", "81"], "m": {"0": "zero"}}
    assert pointer.resolve(document, "/ports/1") == "81"
    assert pointer.resolve(document, "/m/0") == "zero"
    for missing in ("/ports/2", "/ports/01", "/ports/-1", "/ports/x", "/ports/\u0661", "/ports/0/x"):
        assert pointer.resolve(document, missing) is pointer.MISSING, missing
    assert pointer.resolve(document, "") is document
    with pytest.raises(ValueError):
        pointer.split("ports/0")


def test_a_path_jsonschema_reports_spells_list_indexes_as_ints() -> None:
    from isollm.validator import IsollmValidator

    schema = {"hostPortsDistinct": {"list": "/a~1b"},
              "properties": {"a/b": {"type": "array", "items": {"minimum": 1, "maximum": 9}}}}
    errors = IsollmValidator(schema).iter_errors({"a/b": ["1", "2", "1"]})
    assert [list(error.absolute_path) for error in errors] == [["a/b", 2]]


def test_parent_dotted_and_subschema() -> None:
    assert pointer.parent("/a~1b/c") == "/a~1b" and pointer.parent("/a") == "" and pointer.parent("") == ""
    assert pointer.dotted("/a~1b/~0c") == "a/b.~c"
    assert pointer.dotted("/a/") == "a."  # the key "" stays visible
    schema = {"properties": {"a/b": {"items": {"type": "string"}}}}
    assert pointer.subschema(schema, "/a~1b/3") == {"type": "string"}
    assert pointer.subschema(schema, "/nope/3") == {}


def test_keys_with_slash_and_tilde_are_located_and_named_in_messages() -> None:
    text = "project: demo\ngit:\n  a/b~c: 1\n  ~1: 2\n"
    document = parse_yaml(text)
    assert document.locate("/git/a~1b~0c", key=True) == (3, 3)
    assert document.locate("/git/~01", key=True) == (4, 3)
    issues = validate_instance("config", document.data, document)
    assert [(i.message, i.pointer, i.line, i.column) for i in issues] == [
        ('unknown key "git.a/b~c"', "/git/a~1b~0c", 3, 3),
        ('unknown key "git.~1"', "/git/~01", 4, 3),
    ]
