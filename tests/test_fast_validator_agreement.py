"""The fast compiled validator and jsonschema (IsollmValidator) agree on validity.

The hook decides valid/invalid with ``isollm.schema.decide`` alone and consults
jsonschema only to explain; if the two ever disagreed, a config could pass the
hook yet fail check-jsonschema (or fail with no message). Generated configs sit
on every limit the schema sets, with wrong types and unknown keys mixed in.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isollm.schema.decide import checker_for
from isollm.config import apply_defaults
from isollm.schema.loader import load_schema
from isollm.schema.validator_class import IsollmValidator
from isollm.io.yamlio import YamlError, parse_yaml, read_text

EXAMPLES = Path(__file__).resolve().parent / "examples"
SCHEMA = load_schema("config")
PROPS = SCHEMA["properties"]


def _jsonschema_valid(instance: Any) -> bool:
    return bool(IsollmValidator(SCHEMA).is_valid(instance))


def _fast_valid(instance: Any) -> bool:
    return checker_for("config")(instance)


def _assert_agree(instance: Any) -> None:
    # Defaults applied too: that is the value Config.issues() validates.
    for value in (instance, apply_defaults(SCHEMA, instance)):
        assert _fast_valid(value) == _jsonschema_valid(value), value


# --- strategies: limits read from the schema, so they move with it -----------

NAME_MIN, NAME_MAX = PROPS["project"]["minLength"], PROPS["project"]["maxLength"]
W_MIN, W_MAX = PROPS["workers"]["minimum"], PROPS["workers"]["maximum"]
AIRYRA_PORT = PROPS["airyra"]["properties"]["port"]
P_MIN, P_MAX = PROPS["ports"]["items"]["minimum"], PROPS["ports"]["items"]["maximum"]
LAYOUTS = PROPS["zellij"]["properties"]["layout"]["enum"]

WRONG_TYPES = st.sampled_from([None, True, False, 0, 1.5, -3, "", "x", [], ["a"], {}, {"a": 1},
                               math.inf, math.nan])
NAME_CHARS = st.sampled_from("abcXYZ09-")


@st.composite
def names(draw: st.DrawFn) -> Any:
    length = draw(st.sampled_from([0, 1, NAME_MIN, NAME_MIN + 1, NAME_MAX - 1, NAME_MAX, NAME_MAX + 1]))
    first = draw(st.sampled_from(["a", "Z", "1", "-", "é"]))
    rest = "".join(draw(st.lists(NAME_CHARS, min_size=max(length - 1, 0), max_size=max(length - 1, 0))))
    name = (first + rest)[:length]
    return draw(st.sampled_from([name, name + "\n", name + "_x", name.upper()]))


def _around(*points: int) -> list[int]:
    return sorted({p + d for p in points for d in (-1, 0, 1)})


WORKERS = st.one_of(st.sampled_from(_around(W_MIN, W_MAX) + [3]),
                    st.sampled_from([float(W_MIN), 3.0, 2.5, str(W_MAX), "3", True, False]), WRONG_TYPES)
PORT_NUMBERS = _around(0, P_MIN, 1023, AIRYRA_PORT["minimum"], P_MAX) + [AIRYRA_PORT["default"], 8080, 80]
PORT_ENTRY = st.one_of(
    st.sampled_from(PORT_NUMBERS),
    st.sampled_from(PORT_NUMBERS).map(str),
    st.tuples(st.sampled_from(PORT_NUMBERS), st.sampled_from(PORT_NUMBERS)).map(lambda p: f"{p[0]}:{p[1]}"),
    st.sampled_from(["abc", "1:2:3", " 80", "080", "0080:80", "80:", ":80", "8080:80 ", "+80", "1e3", "٣٠٠٠",
                     "65535:65535", "00000000000000000001"]),
    st.sampled_from([1.0, 80.5, True, None, [], {}]),
)
AIRYRA = st.fixed_dictionaries({}, optional={
    "project": st.one_of(st.sampled_from(["p", "", "a\x01b", "proj"]), WRONG_TYPES),
    "host": st.one_of(st.sampled_from(["localhost", "127.0.0.1", "::1", "[::1]", "[::1", "[fe80::1%eth0]",
                                       "tasks.internal", "256.1.1.1", "a..b", "-bad", "x" * 64, "host_name",
                                       "1.2.3", "fe80::1%eth0", "", "local host", "localhost."]), WRONG_TYPES),
    "port": st.one_of(st.sampled_from(_around(AIRYRA_PORT["minimum"], AIRYRA_PORT["maximum"], 0)
                                      + [AIRYRA_PORT["default"], 8080]),
                      st.sampled_from(["7432", 7432.0, 7432.5]), WRONG_TYPES),
    "other": st.just(1),
})
IMAGES = st.sampled_from(["ubuntu:24.04", "images:debian/12", "ghcr.io/acme/dev:1.4", "ubuntu", "UPPER:1",
                          "name@sha256:" + "a" * 64, "name@sha256:abc", "a" * 12, "ghcr.io/Acme/dev:1",
                          "", ":tag", "img:", "localhost:5000/x:1", "a b", "x//y", "reg.io/x:" + "t" * 129])
BRANCHES = st.sampled_from(["main", "develop", "release/1.x", "-x", "a..b", "a/", "/a", "a.lock", "@",
                            "a b", "", "a@{b", "x.", "feature/.hidden", "ünïcode"])
PREFIXES = st.sampled_from(["isollm/", "agents/", "/", "no-slash", "", "a..b/", "-x/", "x.lock/", "a b/",
                            "nested/deep/"])
REMOTES = st.sampled_from(["origin", "git@github.com:acme/app.git", "https://github.com/a/b.git",
                           "ftp://x/y", "https:///path", "https://host", "./local", "/abs/path", "",
                           "bad remote", "host:", "a..b"])
GIT = st.fixed_dictionaries({}, optional={
    "base_branch": st.one_of(BRANCHES, WRONG_TYPES), "branch_prefix": st.one_of(PREFIXES, WRONG_TYPES),
    "upstream": st.one_of(REMOTES, WRONG_TYPES), "extra": st.just("x"),
})
CLAUDE = st.fixed_dictionaries({}, optional={
    "command": st.one_of(st.sampled_from(["claude", "", "a\tb", "run it"]), WRONG_TYPES),
    "args": st.one_of(st.lists(st.one_of(st.sampled_from(["--x", ""]), WRONG_TYPES), max_size=3), WRONG_TYPES),
    "model": st.just("opus"),
})
ZELLIJ = st.fixed_dictionaries({}, optional={
    "layout": st.one_of(st.sampled_from([*LAYOUTS, "diagonal", "Auto", ""]), WRONG_TYPES),
    "dashboard": st.one_of(st.booleans(), st.sampled_from(["yes", "true", 0, 1])),
    "theme": st.just("dark"),
})


def _section(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, strategy, strategy, WRONG_TYPES)


GOOD_NAMES = st.builds(lambda first, rest: first + rest, st.sampled_from("aZ"),
                       st.text(NAME_CHARS, min_size=NAME_MIN - 1, max_size=NAME_MAX - 1))
VALID_PORTS = st.sampled_from([str(P_MIN), str(P_MAX), "3000", "8080:80", f"{P_MAX}:{P_MIN}", 3001, P_MAX])

# Per field: a value the schema accepts (on its limits too), and one near or past a limit.
FIELDS: dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]] = {
    "project": (GOOD_NAMES, st.one_of(names(), WRONG_TYPES)),
    "workers": (st.sampled_from([W_MIN, W_MAX, 3]), WORKERS),
    "image": (st.sampled_from(["ubuntu:24.04", "images:debian/12", "ghcr.io/acme/dev:1.4"]),
              st.one_of(IMAGES, WRONG_TYPES)),
    "setup_script": (st.just("scripts/setup.sh"),
                     st.one_of(st.sampled_from(["", "a\nb", "x"]), WRONG_TYPES)),
    "git": (st.fixed_dictionaries({}, optional={"base_branch": st.sampled_from(["main", "release/1.x"]),
                                               "branch_prefix": st.sampled_from(["isollm/", "a/b/"]),
                                               "upstream": st.sampled_from(["origin", "./x"])}),
            _section(GIT)),
    "claude": (st.fixed_dictionaries({}, optional={"command": st.just("claude"),
                                                  "args": st.lists(st.just("--x"), max_size=2)}),
               _section(CLAUDE)),
    "airyra": (st.fixed_dictionaries({}, optional={
        "host": st.sampled_from(["localhost", "[::1]", "10.0.0.1"]),
        "port": st.sampled_from([AIRYRA_PORT["minimum"], AIRYRA_PORT["maximum"], AIRYRA_PORT["default"]])}),
               _section(AIRYRA)),
    "ports": (st.lists(VALID_PORTS, max_size=3, unique_by=lambda p: str(p).split(":")[0]),
              st.one_of(st.lists(PORT_ENTRY, max_size=5), WRONG_TYPES)),
    "zellij": (st.fixed_dictionaries({}, optional={"layout": st.sampled_from(LAYOUTS),
                                                  "dashboard": st.booleans()}),
               _section(ZELLIJ)),
    "colour": (st.nothing(), st.just("blue")),
}


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    """A config valid in most fields, with zero to three of them pushed to or past a limit."""
    edged = set(draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=3)))
    config: dict[str, Any] = {}
    for name, (good, edge) in FIELDS.items():
        if name in edged:
            config[name] = draw(edge)
        elif name == "project" or (name != "colour" and draw(st.booleans())):
            config[name] = draw(good)
    return config


CONFIGS = configs()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CONFIGS)
def test_fast_validator_agrees_with_jsonschema(config: dict[str, Any]) -> None:
    _assert_agree(config)


@settings(max_examples=50, deadline=None)
@given(WRONG_TYPES)
def test_agree_on_documents_that_are_not_mappings(value: Any) -> None:
    _assert_agree(value)


@pytest.mark.parametrize("name_length", sorted({0, 1, NAME_MIN, NAME_MAX, NAME_MAX + 1}))
@pytest.mark.parametrize("workers", _around(W_MIN, W_MAX))
@pytest.mark.parametrize("port", ["0", "1", "1023", "1024", "65535", "65536", 0, 1, 1023, 1024, 65535, 65536])
def test_agree_on_every_limit(name_length: int, workers: int, port: Any) -> None:
    config = {"project": ("p" + "a" * NAME_MAX)[:name_length], "workers": workers, "ports": [port],
              "airyra": {"port": port if isinstance(port, int) else 7432}}
    _assert_agree(config)


def _example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".yaml", ".yml")) if EXAMPLES.is_dir() else []


@pytest.mark.parametrize("path", _example_files(), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_agree_on_every_example(path: Path) -> None:
    try:
        document = parse_yaml(read_text(path))
    except YamlError:
        pytest.skip("not readable as YAML: no validator sees it")
    _assert_agree(document.data)


def test_generated_configs_reach_both_verdicts() -> None:
    """Guards the strategies: a generator producing only invalid configs would prove nothing."""
    valid = {"project": "ab", "workers": W_MAX, "ports": ["1", f"{P_MAX}:{P_MAX}"]}
    assert _fast_valid(valid) and _jsonschema_valid(valid)
    assert not _fast_valid({**valid, "workers": W_MAX + 1})
