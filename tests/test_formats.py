"""The custom format checks, over many valid and invalid values.

The grammars of branch names, hosts, images, remotes and port mappings are the schema's
own patterns (tests/test_schema_patterns.py); the port-mapping check stays for ``host_port``.
"""

from __future__ import annotations

from typing import Callable

import pytest

from isollm.schema import formats
from isollm.schema.loader import load_schema
from isollm.schema.pointer import subschema

PORT_ITEM = subschema(load_schema("config"), "/ports/0")


def is_port_mapping(value: object) -> bool:
    """The port-mapping check with the range of the config schema's ``ports`` entries."""
    return formats.is_port_mapping(value, minimum=PORT_ITEM["minimum"], maximum=PORT_ITEM["maximum"])


CASES: dict[Callable[[object], bool], tuple[list[str], list[tuple[str, str]]]] = {
    is_port_mapping: (
        ["1", "80", "8080:80", "65535", "65535:1", "10:10"],
        [("abc", "not a valid number"), ("", "not a valid number"), ("1:2:3", "expected 'port'"),
         ("0", "out of range"), ("65536", "out of range"), ("80:0", "out of range"),
         ("+80", "not a valid number"), (" 80", "not a valid number"), ("8_0", "not a valid number"),
         ("\u0668\u0660", "not a valid number"), ("80:", "not a valid number"),
         ("0080", "leading zero; write 80"), ("8080:080", "leading zero; write 8080:80")],
    ),
}

VALID = [(check, value) for check, (good, _) in CASES.items() for value in good]
INVALID = [(check, value, reason) for check, (_, bad) in CASES.items() for value, reason in bad]


def _id(value: object) -> str:
    """A test id that is the same in every process (pytest-xdist compares them): never an address."""
    return getattr(value, "__name__", None) or repr(value)[:40]


@pytest.mark.parametrize(("check", "value"), VALID, ids=_id)
def test_accepts(check: Callable[[object], bool], value: str) -> None:
    assert check(value) is True


@pytest.mark.parametrize(("check", "value", "reason"), INVALID, ids=_id)
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
        "8080", "3000", None, None, None, None, None]


@pytest.fixture
def ranged_format(monkeypatch: pytest.MonkeyPatch) -> str:
    """A format that takes keywords from its subschema (no schema of ours needs one today)."""
    monkeypatch.setitem(formats.FORMAT_CHECKS, "test-port-mapping", (formats.is_port_mapping, ("minimum", "maximum")))
    return "test-port-mapping"


def test_a_check_takes_its_range_from_the_subschema_that_uses_it(ranged_format: str) -> None:
    """Formats read no schema themselves: the port range is whatever the using subschema says."""
    narrow = formats.format_check(ranged_format, {"minimum": 1000, "maximum": 2000})
    assert narrow is not None and narrow("1500:1999")
    with pytest.raises(ValueError, match=r"out of range \(1000-2000\)"):
        narrow("999")
    assert formats.host_port("3000", minimum=1, maximum=2000) is None
    with pytest.raises(ValueError, match="needs maximum"):
        formats.format_check(ranged_format, {"minimum": 1})
    assert formats.format_check("email", {}) is None  # not ours: jsonschema's own


def test_both_validators_use_the_range_of_the_schema_they_are_given(ranged_format: str) -> None:
    from isollm.schema.decide import compile_schema
    from isollm.validator import IsollmValidator

    schema = {"type": "array", "items": {"type": ["integer", "string"], "minimum": 1000, "maximum": 2000,
                                         "format": ranged_format}}
    assert compile_schema(schema)(["1500:1999"]) and not compile_schema(schema)(["80:80"])
    errors = list(IsollmValidator(schema).iter_errors(["80:80"]))
    assert [str(error.cause) for error in errors] == ["port out of range (1000-2000)"]
