"""The grammars of the config's strings, written once as standard ECMA-262 ``pattern``s.

Git's branch-name rules, host names and IP addresses, image references, remotes and port
mappings are each an ``allOf`` of patterns in the schema, one rule per entry with its own
message, so every validator enforces them: our fast validator, our explainer, plain
check-jsonschema and the editor's language server (tests/test_editor.py).
"""

from __future__ import annotations

import ipaddress
import json
import re
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from conftest import REPO
from tests import dependencies
from isollm.config import Config
from isollm.schema.formats import compile_pattern as ecma_regex
from isollm.schema.formats import ecma_to_python
from isollm.schema.loader import SCHEMA_NAMES
from isollm.schema.loader import load_schema

SCHEMA = load_schema("config")
PROPS = SCHEMA["properties"]

# field pointer -> (values accepted, (value, part of the one message it gets) refused)
CASES: dict[str, tuple[list[str], list[tuple[str, str]]]] = {
    "/git/base_branch": (
        ["main", "release/2.x", "feature/a-b_c", "v1.0", "a.b", "refs/heads/main"],
        [("-main", "start with '-'"), ("/main", "'/'"), ("main/", "'/'"), ("a//b", "'//'"), ("a..b", "'..'"),
         ("a@{1}", "invalid characters"), ("@", "invalid characters"), ("main.", "end with '.'"),
         ("a/.hidden", "start with '.'"), ("main.lock", ".lock"), ("a/b.lock/c", ".lock"),
         ("main branch", "cannot contain a space"), ("a\tb", "whitespace")],
    ),
    "/git/branch_prefix": (
        ["isollm/", "agents/", "team/agents/", "a-b_c.d/"],
        [("a//", "'//'"), ("a..b/", "'..'"), ("-x/", "'-'"), ("a b/", "characters"), (".x/", "'.'"),
         ("x.lock/", ".lock"), ("a~b/", "characters"), ("/x/", "start with '/'"), ("/", "just '/'"),
         ("agents", "end with '/'")],
    ),
    "/airyra/host": (
        ["localhost", "127.0.0.1", "[::1]", "[fe80::1]", "[::ffff:10.0.0.1]", "[2001:db8::8a2e:370:7334]",
         "tasks.internal", "a-b.example.com", "example.com.", "x" * 63 + ".io", "1.2.3.4a"],
        [("bad host!", "whitespace"), ("bad_host", "label"), ("-a.com", "label"), ("a-.com", "label"),
         ("999.1.1.1", "IPv4"), ("1.2.3", "IPv4"), ("01.2.3.4", "IPv4"), ("[::g]", "IPv6"), ("[::1", "IPv6"),
         ("::1", "brackets"), ("fe80::1", "brackets"), ("localhost:7432", "airyra.port"),
         ("x" * 64 + ".io", "label"), ("a.123", "all digits"), ("a\x00b", "control"),
         (".".join(["a" * 60] * 5), "253"), ("", "cannot be empty")],
    ),
    "/git/upstream": (
        ["origin", "upstream", "team/origin", "a/b/c", "https://github.com/acme/app.git", "ssh://git@host:2222/x.git",
         "git@github.com:acme/app.git", "host:path/repo.git", "/srv/git/app.git", "../app.git",
         "file:///srv/app.git", "git://host/x", "git@[::1]:x.git"],
        [("", "empty"), ("not a remote", "whitespace"), ("ftp://host/x", "scheme"), ("https://", "no host"),
         ("https://host", "no repository path"), ("-origin", "remote name"), ("a..b", "remote name"),
         ("origin.", "remote name"), ("origin\n", "control"), ("bad name!", "whitespace"),
         ("bad!", "not a remote name"), ("@host:", "scp-like"), ("team//origin", "'//'"), ("team/", "end with '/'")],
    ),
    "/image": (
        ["ubuntu:24.04", "images:ubuntu/24.04", "ubuntu", "Ubuntu:24.04", "images:ubuntu/Noble", "ghcr.io/Org/img",
         "ghcr.io/org/img:V1", "Registry.example.com:5000/org/img:1", "debian/12", "ghcr.io/org/img:1.2", "localhost:5000/img",
         "nginx@sha256:" + "a" * 64, "a" * 64, "0123456789ab", "registry.example.com:5000/team/app:v1",
         "ghcr.io/org/img@sha512:" + "b" * 128, "ghcr.io/org/img:1.0@sha256:" + "c" * 64,
         "localhost:5000/img:v1@sha256:" + "d" * 64, "ubuntu:24.04@sha256:" + "d" * 64],
        [(":", "empty remote"), ("ubuntu:", "empty alias"), (":24.04", "empty remote"), ("ubuntu 24.04", "whitespace"),
         ("ubuntu\t:1", "control character"), ("ghcr.io/Org/img:1", "must be lowercase"),
         ("localhost:5000/Team/app@sha256:" + "a" * 64, "must be lowercase"), ("Org/img:1.0", "must be lowercase"),
         ("ghcr.io/org/img:", "empty alias or tag"), ("x@sha256:zz", "digest"), ("@sha256:" + "a" * 64, "empty name"),
         ("ghcr.io/org/img:bad tag", "whitespace"), ("ghcr.io//img", "not an image alias"), ("a\x07b", "control"),
         ("reg.io/x:" + "t" * 129, "not an image alias"), ("", "image is required"),
         ("ghcr.io/org/img:@sha256:" + "c" * 64, "not an image alias"),
         ("ghcr.io/org/img:1.0@sha256:" + "c" * 63, "digest")],
    ),
    "/ports/0": (
        ["1", "80", "8080:80", "65535", "65535:1"],
        [("0080", "leading zero"), ("00000000000000000001", "leading zero"), ("80:08", "leading zero"),
         ("abc", "not a valid number"), ("", "not a valid number"), ("1:2:3", "expected 'port'"),
         ("0", "out of range"), ("65536", "out of range"), ("80:0", "out of range"), ("+80", "not a valid number"),
         (" 80", "not a valid number"), ("\u0668\u0660", "not a valid number"), ("80:", "not a valid number"),
         ("abc:99999", "not a valid number")],
    ),
}
VALID = [(pointer, value) for pointer, (good, _) in CASES.items() for value in good]
INVALID = [(pointer, value, reason) for pointer, (_, bad) in CASES.items() for value, reason in bad]


def _config(pointer: str, value: str) -> dict[str, Any]:
    data: dict[str, Any] = {"project": "demo"}
    parts = pointer.strip("/").split("/")
    if parts[0] == "ports":
        data["ports"] = [value]
    elif len(parts) == 2:
        data[parts[0]] = {parts[1]: value}
    else:
        data[parts[0]] = value
    return data


def _messages(pointer: str, value: str) -> list[str]:
    return [issue.message for issue in Config(_config(pointer, value)).issues() if issue.pointer == pointer]


@pytest.mark.parametrize(("pointer", "value"), VALID, ids=lambda v: repr(v)[:40])
def test_accepts(pointer: str, value: str) -> None:
    assert _messages(pointer, value) == []


@pytest.mark.parametrize(("pointer", "value", "reason"), INVALID, ids=lambda v: repr(v)[:40])
def test_refuses_with_one_message_naming_the_rule(pointer: str, value: str, reason: str) -> None:
    (message,) = _messages(pointer, value)
    assert reason in message


@pytest.mark.parametrize(("pointer", "value", "reason"), [
    ("/git/base_branch", "-main.lock", ("start with '-'", ".lock")),
    ("/git/base_branch", "a/.b.", ("end with '.'", "start with '.'")),
])
def test_a_value_breaking_several_rules_hears_of_each(pointer: str, value: str, reason: tuple[str, ...]) -> None:
    messages = _messages(pointer, value)
    assert len(messages) == len(reason) and all(any(r in m for m in messages) for r in reason)


def _rule_entries(node: Any) -> Iterator[dict[str, Any]]:
    """Every subschema with a pattern (an "if" condition's too)."""
    if isinstance(node, dict):
        if "pattern" in node:
            yield node
        for key, value in node.items():
            if key != "x-messages":
                yield from _rule_entries(value)
    elif isinstance(node, list):
        for value in node:
            yield from _rule_entries(value)


PATTERNED = [entry for entry in _rule_entries(SCHEMA) if "x-messages" in entry]
CONDITIONS = [entry for entry in _rule_entries(SCHEMA) if "x-messages" not in entry]


def test_the_grammars_are_patterns_and_no_custom_format_is_left() -> None:
    assert len(PATTERNED) > 30
    text = json.dumps(SCHEMA)
    assert '"format"' not in text  # the config schema needs no custom format any more
    assert set(SCHEMA) & {"hostPortsDistinct"}  # the one rule no standard keyword can say


@pytest.mark.parametrize("entry", PATTERNED, ids=lambda e: e["x-messages"]["pattern"][:50])
def test_every_pattern_is_ecma_262_with_its_message_for_people_and_editors(entry: dict[str, Any]) -> None:
    regress = pytest.importorskip("regress")  # check-jsonschema's ECMA-262 engine
    regress.Regex(entry["pattern"], flags="u")
    # The editor shows patternErrorMessage; the CLI fills x-messages: the same words, less the value.
    assert entry["patternErrorMessage"] == re.sub(r'\s*"\{instance\}"', "", entry["x-messages"]["pattern"])


@pytest.mark.parametrize("entry", CONDITIONS, ids=lambda e: e["pattern"][:30])
def test_every_condition_is_ecma_262(entry: dict[str, Any]) -> None:
    pytest.importorskip("regress").Regex(entry["pattern"], flags="u")


def test_the_port_range_pattern_agrees_with_the_integer_bounds() -> None:
    items = PROPS["ports"]["items"]
    low, high = items["minimum"], items["maximum"]
    (in_range,) = [rule for rule in items["allOf"] if "out of range" in rule["x-messages"]["pattern"]]
    regex = ecma_regex(in_range["pattern"])
    for number in [0, low, low + 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 59999, 60000, 64999, 65000,
                   65499, 65500, 65529, 65530, high, high + 1, 70000, 99999, 100000, 655350]:
        assert bool(regex.search(str(number))) == (low <= number <= high), number
        assert bool(regex.search(f"{number}:{low}")) == (low <= number <= high), number
    assert f"({low}-{high})" in in_range["x-messages"]["pattern"]


def _host_rule(kind: str) -> Any:
    rules = [r.get("then", r) for r in PROPS["airyra"]["properties"]["host"]["allOf"]]
    (rule,) = [r for r in rules if kind in r["x-messages"]["pattern"]]
    return ecma_regex(rule["pattern"])


def _is(cls: Any, text: str) -> bool:
    try:
        cls(text)
    except ValueError:
        return False
    return "%" not in text  # a zone ID has no place in a host name


HEX = "0123456789abcdefABCDEF"
ADDRESS_TEXT = st.one_of(
    st.integers(0, 2 ** 128 - 1).map(lambda n: ipaddress.IPv6Address(n).compressed),
    st.integers(0, 2 ** 128 - 1).map(lambda n: ipaddress.IPv6Address(n).exploded),
    st.integers(0, 2 ** 32 - 1).map(lambda n: "::ffff:" + str(ipaddress.IPv4Address(n))),
    st.text(HEX + ":.", min_size=1, max_size=45),
)


@settings(max_examples=3000, deadline=None)
@given(ADDRESS_TEXT)
def test_the_ipv6_pattern_is_python_ipaddress(text: str) -> None:
    assert bool(_host_rule("not an IPv6").search(f"[{text}]")) == _is(ipaddress.IPv6Address, text)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.integers(0, 2 ** 32 - 1).map(lambda n: str(ipaddress.IPv4Address(n))),
                 st.lists(st.sampled_from(["0", "1", "00", "01", "9", "99", "100", "199", "255", "256", "999"]),
                          min_size=1, max_size=5).map(".".join)))
def test_the_ipv4_pattern_is_python_ipaddress(text: str) -> None:
    assert bool(_host_rule("not an IPv4").search(text)) == _is(ipaddress.IPv4Address, text)


@pytest.mark.parametrize(("pointer", "value", "valid"), [(p, v, True) for p, v in VALID]
                         + [(p, v, False) for p, v, _ in INVALID], ids=lambda v: repr(v)[:40])
def test_a_plain_jsonschema_validator_agrees(pointer: str, value: str, valid: bool) -> None:
    # No format checker, no validator class: standard keywords only. (jsonschema's own
    # pattern uses Python's re, which reads these patterns as ECMA-262 does.)
    assert Draft202012Validator(SCHEMA).is_valid(_config(pointer, value)) is valid


@dependencies.program("check-jsonschema")
def test_plain_check_jsonschema_agrees(tmp_path: Path) -> None:
    """The real program, no --validator-class: one run over a file per case."""
    files = {}
    for index, (pointer, value, valid) in enumerate([(p, v, True) for p, v in VALID]
                                                     + [(p, v, False) for p, v, _ in INVALID]):
        path = tmp_path / f"case{index}.json"
        path.write_text(json.dumps(_config(pointer, value)))
        files[str(path)] = (value, valid)
    result = subprocess.run(["check-jsonschema", "-o", "json", "--schemafile", str(REPO / "schemas" / "isollm.schema.json"),
                             *files], capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    failing = {error["filename"] for error in report["errors"]}
    assert report["parse_errors"] == []
    assert {name: (value, name not in failing) for name, (value, _) in files.items()} == files


def _all_schema_patterns() -> Iterator[str]:
    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    yield value
                elif key != "x-messages":  # templates keyed "pattern" are messages, not patterns
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)
    for name in SCHEMA_NAMES:
        yield from walk(load_schema(name))


def _reference_translation(pattern: str) -> str:
    """What ``ecma_to_python`` did one character at a time before it used ``re`` to find the tokens."""
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append(r"\Z")
            continue
        out.append(char)
    return "".join(out)


@given(st.text(alphabet=st.sampled_from("\\[]$a^\n"), max_size=12))
def test_the_ecma_translation_reads_escapes_and_classes_as_before(pattern: str) -> None:
    assert ecma_to_python(pattern) == _reference_translation(pattern)


def test_the_schemas_patterns_translate_as_before() -> None:
    patterns = list(_all_schema_patterns())
    assert len(patterns) > 50 and any(p.startswith(r"^\[(?:(?:[0-9A-Fa-f]{1,4}:){7}") for p in patterns)
    for pattern in patterns:
        assert ecma_to_python(pattern) == _reference_translation(pattern)
        assert ecma_regex(pattern).pattern == _reference_translation(pattern)
