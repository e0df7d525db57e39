"""The shortcut that reads most plain scalars as strings without trying every pattern
must give exactly what trying them gives (YAML 1.2 core schema resolution)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isollm.io.yamlio import _plain_scalar, _resolve_plain

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
