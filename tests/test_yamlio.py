"""The YAML reader: YAML 1.2 scalars, locations, and refusals with a line."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
import yaml.scanner

from isollm.io import yamlio
from isollm.io.yamlio import MAX_DEPTH, YamlError, decode_utf8, dump_yaml, parse_yaml, read_limited


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


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "{a: " * 100_000 + "1" + "}" * 100_000,
                                  "a:\n  " + "- " * 100_000 + "x\n", "[" * 5_000])
def test_too_deep_is_one_located_message_whichever_limit_answers(text: str) -> None:
    # libyaml 0.2.6+ (PyYAML 6.0.4) stops deep flow lists at its own limit, before ours
    # sees the 65th level: either answer is right, and both must read the same.
    with pytest.raises(YamlError) as raised:
        parse_yaml(text)
    assert raised.value.message == f"document is nested more than {MAX_DEPTH} levels deep"
    assert raised.value.line is not None and raised.value.column is not None
    assert raised.value.column > MAX_DEPTH  # somewhere past the 64th level, never at the start


def test_libyaml_nesting_limit_reads_as_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever libyaml this PyYAML bundles, its own limit's error is reported as ours.
    class DeepParser:
        def __init__(self, text: str) -> None:
            self.mark = yaml.Mark("<unicode string>", 1000, 0, 1000, None, None)

        def get_event(self) -> None:
            raise yaml.scanner.ScannerError("while increasing flow level", self.mark,
                                            "exceeded maximum nesting depth", self.mark)

        def dispose(self) -> None:  # as both of PyYAML's parsers have
            pass

    monkeypatch.setattr(yamlio, "_Parser", DeepParser)
    with pytest.raises(YamlError) as raised:
        parse_yaml("[" * 2_000)
    assert (raised.value.message, raised.value.line, raised.value.column) == (
        f"document is nested more than {MAX_DEPTH} levels deep", 1, 1001)


def test_decode_strips_bom_and_locates_bad_bytes() -> None:
    assert decode_utf8(b"\xef\xbb\xbfa: 1\n") == "a: 1\n"
    with pytest.raises(YamlError) as raised:
        decode_utf8(b"a: 1\nb: \xff\n")
    assert (raised.value.line, raised.value.column) == (2, 4)
    assert "not valid UTF-8" in raised.value.message


def test_read_limited_refuses_huge_files_without_reading_them(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 1000)
    with pytest.raises(YamlError, match="larger than"):
        read_limited(big, limit=1024)
    assert decode_utf8(read_limited(big, limit=10_000)).startswith("a: 1")


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
    assert data == value and isinstance(data, float)


@pytest.mark.parametrize("key", ["!!float 1" + "0" * 400, "0x" + "f" * 5_000, "9" * 5_000, "1e400"],
                         ids=["float-tag", "hex", "decimal", "exponent"])
def test_numbers_no_type_holds_are_kept_as_text_when_keys(key: str) -> None:
    # An explicit key ("? "), as an implicit one is at most 1024 characters.
    assert list(parse_yaml(f"? {key}\n: 1\n").data) == [key.removeprefix("!!float ")]


def test_spans_give_the_offsets_of_values_and_keys_on_request() -> None:
    text = "a: &x 'v'  # c\nb:\n  c: [1, 2]\n  d:\n  - é\n# end\n"
    assert parse_yaml(text).spans == {}
    spans = parse_yaml(text, spans=True).spans
    assert text[spans["/a"].start:spans["/a"].end] == "&x 'v'"
    assert (spans["/a"].kind, spans["/a"].style) == ("scalar", "'")
    assert text[spans["/a"].key_start:spans["/a"].key_end] == "a"
    assert text[spans["/b/c"].start:spans["/b/c"].end] == "[1, 2]"
    assert (spans["/b/c"].kind, spans["/b/c"].style) == ("sequence", "flow")
    assert text[spans["/b/d/0"].start:spans["/b/d/0"].end] == "é"  # offsets count characters
    assert spans["/b/d/0"].key_start == -1
    assert (spans["/b"].kind, spans["/b"].style) == ("mapping", "block")
    assert text[spans["/b"].start:spans["/b"].end].startswith("c: [1, 2]")


def test_locations_are_found_by_pointer_and_list_only_what_a_pointer_names() -> None:
    doc = parse_yaml("a: {x: 1}\na: {y: [10, 20]}\na: {z: 2}\n'k/~': [1]\n")
    # A key written three times: the last one is the value, and the only one listed.
    assert doc.locate("/a/z") == (3, 8) and "/a/x" not in doc.values and "/a/y/1" not in doc.values
    assert [p for p in doc.values if p.startswith("/a")] == ["/a", "/a/z"]
    assert [(d.pointer, d.line, d.first_line) for d in doc.duplicates] == [("/a", 2, 1), ("/a", 3, 1)]
    # Tokens escape ~ and /; an index is only its canonical decimal form.
    assert doc.locate("/k~1~0/0") == (4, 9)
    assert "/k~1~0/00" not in doc.values and "/k~1~0/1" not in doc.values and "k" not in doc.values
    assert doc.values.get("/k~1~0/0") == (4, 9) and doc.values.get("/nope") is None
    assert doc.texts == {"/a/z": "2", "/k~1~0/0": "1"}


@pytest.mark.parametrize(("text", "message"), [
    # A key dedented to a column no block above it uses: the columns it could belong to.
    ("project: demo\ngit:\n  base_branch: main\n remote: origin\n",
     "4:2: invalid YAML: did not find expected key (line 4 is indented by 1 space, which matches no key above it: "
     "indent it by 0 or 2 spaces, like the keys it belongs with)"),
    ("ports:\n    - '1'\n  - '2'\n",
     "3:3: invalid YAML: did not find expected key (line 3 is indented by 2 spaces, which matches no key above it: "
     "indent it by 0 or 4 spaces, like the keys it belongs with)"),
    # A key indented under one whose value is given on its own line.
    ("project: demo\n  workers: 3\n",
     "2:10: invalid YAML: mapping values are not allowed in this context (line 2 is indented by 2 spaces, more "
     "than the key above it, which has its value already: a key beside it is indented by 0 spaces)"),
    # Not an indentation problem: no hint.
    ("project: demo\nimage: a: b\n", "2:9: invalid YAML: mapping values are not allowed in this context"),
])
def test_a_misindented_key_says_what_indentation_was_expected(text: str, message: str) -> None:
    with pytest.raises(YamlError) as raised:
        parse_yaml(text)
    assert str(raised.value) == message
