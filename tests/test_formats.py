"""The custom format checks, over many valid and invalid values."""

from __future__ import annotations

from typing import Callable

import pytest

from isollm.schema import formats
from isollm.schema.loader import load_schema
from isollm.schema.pointer import subschema

PORT_ITEM = subschema(load_schema("config"), "/ports/0")


def is_port_mapping(value: object) -> bool:
    """The port-mapping check as the config schema's ``ports`` entries use it."""
    check = formats.format_check("isollm-port-mapping", PORT_ITEM)
    assert check is not None
    return check(value)


CASES: dict[Callable[[object], bool], tuple[list[str], list[tuple[str, str]]]] = {
    is_port_mapping: (
        ["1", "80", "8080:80", "65535", "65535:1", "0080"],
        [("abc", "not a valid number"), ("", "not a valid number"), ("1:2:3", "expected 'port'"),
         ("0", "out of range"), ("65536", "out of range"), ("80:0", "out of range"),
         ("+80", "not a valid number"), (" 80", "not a valid number"), ("8_0", "not a valid number"),
         ("\u0668\u0660", "not a valid number"), ("80:", "not a valid number")],
    ),
    formats.is_git_branch: (
        ["main", "release/2.x", "feature/a-b_c", "v1.0", "a.b", "x@y"],
        [("-main", "'-'"), ("/main", "'/'"), ("main/", "'/'"), ("a//b", "'//'"), ("a..b", "'..'"),
         ("a@{1}", "'@{'"), ("@", "'@'"), ("main.", "end with '.'"), ("a/.hidden", "start with '.'"),
         ("main.lock", ".lock"), ("a/b.lock/c", ".lock")],
    ),
    formats.is_git_branch_prefix: (
        ["isollm/", "agents/", "team/agents/", "a-b_c.d/"],
        [("a//", "'//'"), ("a..b/", "'..'"), ("-x/", "'-'"), ("a b/", "characters"), (".x/", "'.'"),
         ("x.lock/", ".lock"), ("a~b/", "characters"), ("a:b/", "characters"), ("a\\b/", "characters"),
         ("a?b/", "characters"), ("a*b/", "characters"), ("a[b/", "characters"), ("a^b/", "characters"),
         ("a\x7fb/", "characters"), ("a\tb/", "characters")],
    ),
    formats.is_host: (
        ["localhost", "127.0.0.1", "::1", "fe80::1", "tasks.internal", "a-b.example.com", "example.com.",
         "x" * 63 + ".io"],
        [("bad host", "whitespace"), ("bad_host", "label"), ("-a.com", "label"), ("a-.com", "label"),
         ("999.1.1.1", "IPv4"), ("1.2.3", "IPv4"), ("::g", "IPv6"), ("x" * 64 + ".io", "label"),
         ("a.123", "all digits"), ("a\x00b", "control"), (".".join(["a" * 60] * 5), "253")],
    ),
    formats.is_git_remote: (
        ["origin", "upstream", "https://github.com/acme/app.git", "ssh://git@host:2222/x.git",
         "git@github.com:acme/app.git", "host:path/repo.git", "/srv/git/app.git", "../app.git",
         "file:///srv/app.git", "git://host/x"],
        [("", "empty"), ("not a remote", "whitespace"), ("ftp://host/x", "scheme"), ("https://", "no host"),
         ("https://host", "no repository path"), ("-origin", "remote name"), ("a..b", "remote name"),
         ("origin\n", "control"), ("bad name!", "whitespace"), ("bad!", "not a remote name"),
         ("@host:", "scp-like")],
    ),
    formats.is_image: (
        ["ubuntu:24.04", "images:ubuntu/24.04", "ubuntu", "debian/12", "ghcr.io/org/img:1.2",
         "localhost:5000/img", "nginx@sha256:" + "a" * 64, "a" * 64, "0123456789ab",
         "registry.example.com:5000/team/app:v1"],
        [(":", "empty remote"), ("ubuntu:", "empty alias"), (":24.04", "empty remote"),
         ("ubu ntu", "whitespace"), ("ubuntu\t:1", "control character"), ("ghcr.io/Org/img:1", "component"),
         ("ghcr.io/org/img:", "empty tag"), ("x@sha256:zz", "digest"), ("@sha256:" + "a" * 64, "empty name"),
         ("ghcr.io/org/img:bad tag", "whitespace"), ("ghcr.io//img", "empty path"),
         ("a\x07b", "control")],
    ),
}

VALID = [(check, value) for check, (good, _) in CASES.items() for value in good]
INVALID = [(check, value, reason) for check, (_, bad) in CASES.items() for value, reason in bad]


@pytest.mark.parametrize(("check", "value"), VALID, ids=lambda v: repr(v)[:40])
def test_accepts(check: Callable[[object], bool], value: str) -> None:
    assert check(value) is True


@pytest.mark.parametrize(("check", "value", "reason"), INVALID, ids=lambda v: repr(v)[:40])
def test_rejects_with_reason(check: Callable[[object], bool], value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=None) as raised:
        check(value)
    assert reason in str(raised.value)


@pytest.mark.parametrize("check", list(CASES), ids=lambda c: c.__name__)
@pytest.mark.parametrize("value", [None, 3, 3.5, True, [], {}])
def test_non_strings_are_left_to_the_type_keyword(check: Callable[[object], bool], value: object) -> None:
    assert check(value) is True


@pytest.mark.parametrize(("value", "pinned"), [
    ("ubuntu", False), ("ghcr.io/org/img", False), ("localhost:5000/img", False), ("debian/12", False),
    ("ubuntu:24.04", True), ("images:ubuntu/24.04", True), ("ghcr.io/org/img:1.2", True),
    ("img@sha256:" + "b" * 64, True), ("c" * 64, True), ("localhost:5000/img:2", True),
])
def test_image_pins_version(value: str, pinned: bool) -> None:
    assert formats.image_pins_version(value) is pinned


def test_host_port_of_entries() -> None:
    bounds = {"minimum": PORT_ITEM["minimum"], "maximum": PORT_ITEM["maximum"]}
    assert [formats.host_port(v, **bounds) for v in ["8080:80", 3000, "0080", "abc", True, None, "1:2:3"]] == [
        "8080", "3000", "80", None, None, None, None]


def test_a_check_takes_its_range_from_the_subschema_that_uses_it() -> None:
    """Formats read no schema themselves: the port range is whatever the using subschema says."""
    narrow = formats.format_check("isollm-port-mapping", {"minimum": 1000, "maximum": 2000})
    assert narrow is not None and narrow("1500:1999")
    with pytest.raises(ValueError, match=r"out of range \(1000-2000\)"):
        narrow("999")
    assert formats.host_port("3000", minimum=1, maximum=2000) is None
    with pytest.raises(ValueError, match="needs maximum"):
        formats.format_check("isollm-port-mapping", {"minimum": 1})
    assert formats.format_check("email", {}) is None  # not ours: jsonschema's own


def test_both_validators_use_the_range_of_the_schema_they_are_given() -> None:
    from isollm.schema.decide import compile_schema
    from isollm.schema.validator_class import IsollmValidator

    schema = {"type": "array", "items": {"type": ["integer", "string"], "minimum": 1000, "maximum": 2000,
                                         "format": "isollm-port-mapping"}}
    assert compile_schema(schema)(["1500:1999"]) and not compile_schema(schema)(["80:80"])
    errors = list(IsollmValidator(schema).iter_errors(["80:80"]))
    assert [str(error.cause) for error in errors] == ["port out of range (1000-2000)"]
