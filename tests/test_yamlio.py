"""The YAML reader: YAML 1.2 scalars, locations, and refusals with a line."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from isollm.io.yamlio import MAX_DEPTH, YamlError, decode_utf8, dump_yaml, parse_yaml, read_text


@pytest.mark.parametrize(("text", "value"), [
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"),
    ("true", True), ("False", False), ("TRUE", True),
    ("~", None), ("null", None), ("", None),
    ("8080:80", "8080:80"), ("1:30", "1:30"), ("2024-01-01", "2024-01-01"),
    ("0755", 755), ("0o17", 15), ("0x1F", 31), ("-12", -12), ("+3", 3),
    ("1e3", 1000.0), ("3.5", 3.5), (".5", 0.5), ("1_000", "1_000"),
    ("'yes'", "yes"), ('"123"', "123"), ("!!str 12", "12"), ("!!float 3", 3.0), ("!!int '7'", 7),
])
def test_scalars_follow_yaml_1_2_core(text: str, value: Any) -> None:
    data = parse_yaml(f"key: {text}\n").data["key"]
    assert data == value and type(data) is type(value)


def test_special_floats() -> None:
    data = parse_yaml("a: .inf\nb: -.Inf\nc: .nan\n").data
    assert data["a"] == math.inf and data["b"] == -math.inf and math.isnan(data["c"])


def test_locations_of_values_and_keys() -> None:
    doc = parse_yaml("project: demo\ngit:\n  base_branch: main\nports:\n  - 80\n  - \"8080:80\"\n")
    assert doc.locate("/project") == (1, 10)
    assert doc.locate("/git/base_branch") == (3, 16)
    assert doc.locate("/git/base_branch", key=True) == (3, 3)
    assert doc.locate("/ports/1") == (6, 5)
    assert doc.locate("/git/missing") == doc.locate("/git")  # nearest ancestor


@pytest.mark.parametrize(("text", "message", "line"), [
    ("a: !!python/object:os.system x\n", "unsupported YAML tag !!python/object:os.system", 1),
    ("a: 1\nb: !!binary aGk=\n", "unsupported YAML tag !!binary", 2),
    ("a: !custom x\n", "unsupported YAML tag !custom", 1),
    ("a: !!set {x}\n", "unsupported YAML tag !!set", 1),
    ("a: !!int abc\n", "'abc' is not a valid !!int", 1),
    ("a: 1\n---\nb: 2\n", "expected one YAML document, found more than one", 2),
    ("a: [1,\n", "invalid YAML", 2),
    ("a: *nope\n", "unknown alias *nope", 1),
    ("? [a]\n: b\n", "mapping keys must be plain values", 1),
    ("a:\n\tb: 1\n", "invalid YAML", 2),
    ("a: \x00\n", "control characters are not allowed", 1),
])
def test_refusals_have_a_line(text: str, message: str, line: int) -> None:
    with pytest.raises(YamlError) as raised:
        parse_yaml(text)
    assert message in raised.value.message
    assert raised.value.line == line


def test_duplicate_keys_are_recorded_at_every_level() -> None:
    doc = parse_yaml("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert [(d.pointer, d.line, d.first_line) for d in doc.duplicates] == [("/b/c", 4, 3), ("/a", 5, 1)]


def test_depth_and_alias_expansion_are_bounded() -> None:
    with pytest.raises(YamlError, match="nested more than"):
        parse_yaml("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    parse_yaml("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(YamlError, match="more than .* values"):
        parse_yaml("\n".join(lines))
    assert parse_yaml("base: &b {x: 1}\ncopy: *b\n").data == {"base": {"x": 1}, "copy": {"x": 1}}


def test_decode_strips_bom_and_locates_bad_bytes() -> None:
    assert decode_utf8(b"\xef\xbb\xbfa: 1\n") == "a: 1\n"
    with pytest.raises(YamlError) as raised:
        decode_utf8(b"a: 1\nb: \xff\n")
    assert (raised.value.line, raised.value.column) == (2, 4)
    assert "not valid UTF-8" in raised.value.message


def test_read_text_refuses_huge_files_without_reading_them(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 1000)
    with pytest.raises(YamlError, match="larger than"):
        read_text(big, limit=1024)
    assert read_text(big, limit=10_000).startswith("a: 1")


@pytest.mark.parametrize("value", ["yes", "on", "0o17", "0x1F", "1e3", "~", "8080:80", "2024-01-01", "", "true",
                                   "null", "12", ".inf", "- x", "a: b", "#c", "multi\nline", "ünïcode"])
def test_dump_reads_back_as_the_same_string(value: str) -> None:
    assert parse_yaml(dump_yaml({"k": value})).data == {"k": value}


@pytest.mark.parametrize("text", ["0x" + "f" * 5_000, "0o" + "7" * 6_000, "9" * 5_000, "!!int 0x" + "f" * 5_000],
                         ids=["hex", "octal", "decimal", "int-tag-hex"])
def test_integers_too_long_to_print_are_refused_with_a_place(text: str) -> None:
    # int() converts 5,000 hex digits (a power-of-two base has no limit), but the number could
    # never be printed in a message: Python's decimal digit limit. Every notation is refused alike.
    with pytest.raises(YamlError, match="number is too large") as raised:
        parse_yaml(f"a: 1\nkey: {text}\n")
    assert (raised.value.line, raised.value.column) == (2, 6)


def test_integers_just_under_the_limit_still_read() -> None:
    assert parse_yaml("a: 0x" + "f" * 3_000 + "\n").data["a"] == int("f" * 3_000, 16)


@pytest.mark.parametrize("text, value", [("!!float 1" + "0" * 400, math.inf), ("!!float -1" + "0" * 400, -math.inf),
                                         ("1e400", math.inf), ("!!float 0x10", 16.0)],
                         ids=["float-tag", "negative-float-tag", "exponent", "float-tag-hex"])
def test_floats_beyond_a_double_are_infinite_as_in_every_notation(text: str, value: float) -> None:
    data = parse_yaml(f"a: {text}\n").data["a"]
    assert data == value and type(data) is float


@pytest.mark.parametrize("key", ["!!float 1" + "0" * 400, "0x" + "f" * 5_000, "9" * 5_000, "1e400"],
                         ids=["float-tag", "hex", "decimal", "exponent"])
def test_numbers_no_type_holds_are_kept_as_text_when_keys(key: str) -> None:
    # An explicit key ("? "), as an implicit one is at most 1024 characters.
    assert list(parse_yaml(f"? {key}\n: 1\n").data) == [key.removeprefix("!!float ")]
