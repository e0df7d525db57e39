"""The reader's plain-scalar resolution (a shortcut for most strings, octal and hex through
``int(text, 0)``, infinity and NaN through ``float``) must give exactly what the YAML 1.2 core
schema's table gives, tried pattern by pattern as the specification lists them (10.3.2)."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isollm.io.yamlio import _plain_scalar

# The core schema's tag resolution, one regular expression per row of its table.
_CORE = [
    (re.compile(r"(?:null|Null|NULL|~|)\Z"), lambda text: None),
    (re.compile(r"(?:true|True|TRUE)\Z"), lambda text: True),
    (re.compile(r"(?:false|False|FALSE)\Z"), lambda text: False),
    (re.compile(r"[-+]?[0-9]+\Z"), int),
    (re.compile(r"0o[0-7]+\Z"), lambda text: int(text[2:], 8)),
    (re.compile(r"0x[0-9a-fA-F]+\Z"), lambda text: int(text[2:], 16)),
    (re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z"), float),
    (re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z"), lambda text: -math.inf if text.startswith("-") else math.inf),
    (re.compile(r"\.(?:nan|NaN|NAN)\Z"), lambda text: math.nan),
]


def _resolve_plain(text: str) -> Any:
    for pattern, value in _CORE:
        if pattern.match(text):
            return value(text)
    return text

SUFFIXES = ["", "rue", "RUE", "alse", "ull", "ULL", "inf", "nan", "NaN", "0", "1", "9", ".5", "e3", "x1F", "o17",
            "_1", " x", "abc", "-", ".", ":80"]
STARTS = [chr(c) for c in range(0x20, 0x7F)] + ["é", "٣", "\u00a0", "Ｔ", "𝟏"]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("start", STARTS)
def test_every_first_character_with_every_interesting_rest(start: str) -> None:
    for rest in SUFFIXES:
        text = start + rest
        assert _same(_plain_scalar(text), _resolve_plain(text)), text


@pytest.mark.parametrize("text", ["", "~", "null", "Null", "NULL", "true", "False", "0", "-1", "+7", "0o17", "0x1F",
                                  ".5", "1e3", "-.inf", ".NaN", "proj-1", "ubuntu:24.04", "yes", "on", "8080:80"])
def test_known_scalars(text: str) -> None:
    assert _same(_plain_scalar(text), _resolve_plain(text))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("~nNtTfFaeilrsuxo+-.0123456789:/ _é"), max_size=8) | st.text(max_size=6))
def test_generated_scalars(text: str) -> None:
    assert _same(_plain_scalar(text), _resolve_plain(text))
