"""Property-based tests: no text or bytes make the config loader or validator misbehave.

Whatever goes in, the outcome is a ``Config`` or a ``ConfigError`` with a line;
``Config.issues()`` never raises and every issue is located and one line long.
Values at the schema's limits are judged exactly as the schema's numbers say.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from isollm import config as cfg
from isollm.config import Config, load_file, parse_config_text, render
from isollm.errors import ConfigError, Issue
from isollm.schema.loader import load_schema
from schema_strategies import SchemaStrategies

SETTINGS = settings(max_examples=int(os.environ.get("ISOLLM_FUZZ_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

SCHEMA = load_schema("config")
STRATEGIES = SchemaStrategies(SCHEMA)  # strategies read from the schema: a new field is fuzzed too
_PORT_ITEM = SCHEMA["properties"]["ports"]["items"]
PORT_MIN, PORT_MAX = int(_PORT_ITEM["minimum"]), int(_PORT_ITEM["maximum"])
KEYS = list(SCHEMA["properties"])


def _assert_clean_issue(issue: Issue, *, located: bool) -> None:
    assert isinstance(issue.message, str) and issue.message.strip()
    assert "\n" not in issue.message and "\r" not in issue.message
    if located:
        assert issue.line is not None and issue.line >= 1, issue


def _outcome(text: str) -> Config | ConfigError:
    try:
        return parse_config_text(text, "fuzz.yaml")
    except ConfigError as error:
        return error


def _check(result: Config | ConfigError) -> None:
    if isinstance(result, ConfigError):
        assert result.message and "\n" not in result.message
        assert result.line is not None and result.line >= 1, result.message
        return
    for issue in result.issues() + result.warning_issues():
        _assert_clean_issue(issue, located=True)
    result.to_dict()
    for section in (result.git, result.claude, result.airyra, result.zellij):
        repr(section)


# Text that looks like YAML often enough to get past the scanner.
_yamlish = st.lists(
    st.sampled_from(list("abcxyz019 -:?,[]{}&*!|>'\"#%@`~.\n\t\\") + KEYS
                             + ["\x00", "\x07", "\ufeff", "\u2028", "\x85", "\ud800", "é", "---", "...",
                                "!!python/object", "!!binary", "<<", "0x", "0o", "1e9", ".inf"]),
    max_size=60).map("".join)
# Line-shaped documents: known and odd keys at a few indents, values from the same soup,
# so that most inputs are mappings and reach the validator, not just the scanner.
_SUBKEYS = [key for key in STRATEGIES.keys() if key not in KEYS]  # the keys of nested sections, any depth
_yaml_lines = st.lists(st.tuples(
    st.sampled_from(["", "", "  ", "    ", "- ", "  - "]),
    st.one_of(st.sampled_from(KEYS + _SUBKEYS), st.sampled_from(KEYS + _SUBKEYS), _yamlish),
    st.sampled_from([": ", ":", ": ", ":\n"]),
    st.one_of(_yamlish, st.text(max_size=10), st.sampled_from(["3", "0", "21", "yes", "~", "'8080:80'", "[1, 2]", "{}", "!!str 5",
                                          "&a x", "*a", '"\\u0007"', "|\n  x", "1e3", "0x10"]))),
    min_size=1, max_size=8).map(lambda lines: "\n".join(i + k + sep + v for i, k, sep, v in lines) + "\n")


@SETTINGS
@given(st.one_of(st.text(max_size=200), _yamlish, _yaml_lines))
@example("project: a\x00b\n")
@example("workers: " + "9" * 5000)
@example("'': 1\n")
@example("? [a]\n: 1\n")
@example("a: &a [1]\nb: *a\n")
@example("project: \"\\ud800\\n\"\nimage: \"x\\ny\"\n")
def test_any_text_gives_config_or_located_error(text: str) -> None:
    _check(_outcome(text))


@SETTINGS
@given(st.binary(max_size=300))
@example(b"\xff\xfeprojec\x00t")
@example(b"\xef\xbb\xbfproject: ab\n")
@example(b"project: \xc3\x28\n")
def test_any_bytes_in_a_file_give_config_or_located_error(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "isollm.yaml"
    path.write_bytes(raw)
    try:
        result: Config | ConfigError = load_file(path)
    except ConfigError as error:
        result = error
    _check(result)


# JSON-like values, including the ones YAML 1.1 and Python treat specially.
_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                  st.text(max_size=20), st.sampled_from(["yes", "off", "8080:80", "1:30", "0755", "~", ""]))
_value = st.recursive(_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)
# Any structure under the known keys, and documents shaped by the schema with fields pushed past a limit.
_configs = st.one_of(st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), _value, max_size=8),
                     STRATEGIES.configs())


@SETTINGS
@given(_configs)
def test_any_structure_validates_without_raising(data: dict[str, Any]) -> None:
    # Flow-style JSON is YAML too; it reaches every schema branch with any type.
    text = json.dumps(data, allow_nan=True, ensure_ascii=False)
    _check(_outcome(text))
    issues = Config(data).issues()  # built in code: issues need not have lines
    for issue in issues:
        _assert_clean_issue(issue, located=False)


# Documents meant to be valid, every field drawn from its schema (values YAML 1.1 or Python
# would misread included, for fields that take any text).
_valid_configs = STRATEGIES.valid(SCHEMA)


@SETTINGS
@given(_valid_configs)
def test_valid_configs_survive_a_save_and_load(data: dict[str, Any]) -> None:
    config = Config(data)
    assume(not config.issues())  # a forwarded port may equal airyra.port
    again = parse_config_text(render(config), "again.yaml")
    assert again.to_dict() == config.to_dict()
    assert not again.issues()


@pytest.mark.parametrize("text", ["\n", "a\n\n", "x\n\n\n", "a\nb\n"])
def test_text_ending_in_blank_lines_survives_a_save_and_load(text: str) -> None:
    # Found by the test above: "|+" made PyYAML end the document ("...") mid-file.
    config = Config({"project": "my-app", "setup_script": text, "claude": {"args": [text]}})
    again = parse_config_text(render(config), "again.yaml")
    assert (again.setup_script, again.claude.args) == (text, [text])


# --- limits: expectations from the schema's numbers, never retyped -------------------

def _around(low: int, high: int) -> list[int]:
    return [low - 1, low, low + 1, high - 1, high, high + 1]


def _errors_at(text: str, pointer: str) -> list[Issue]:
    issues = parse_config_text(text, "limits.yaml").issues()
    for issue in issues:
        _assert_clean_issue(issue, located=True)
    return [i for i in issues if i.pointer == pointer or i.pointer.startswith(pointer + "/")]


@pytest.mark.parametrize("length", _around(cfg.MIN_PROJECT_NAME_LEN, cfg.MAX_PROJECT_NAME_LEN))
def test_project_name_length_limits(length: int) -> None:
    name = ("a" + "b" * length)[:length]
    expected_valid = cfg.MIN_PROJECT_NAME_LEN <= length <= cfg.MAX_PROJECT_NAME_LEN
    assert (not _errors_at(f"project: {name or repr('')}\n", "/project")) == expected_valid


@pytest.mark.parametrize("workers", _around(cfg.MIN_WORKERS, cfg.MAX_WORKERS))
def test_worker_count_limits(workers: int) -> None:
    expected_valid = cfg.MIN_WORKERS <= workers <= cfg.MAX_WORKERS
    assert (not _errors_at(f"project: ab\nworkers: {workers}\n", "/workers")) == expected_valid


_PORTS = sorted({PORT_MIN - 1, PORT_MIN, cfg.MIN_USER_PORT - 1, cfg.MIN_USER_PORT, cfg.MAX_PORT, cfg.MAX_PORT + 1})


@pytest.mark.parametrize("quoted", [False, True], ids=["int", "string"])
@pytest.mark.parametrize("port", _PORTS)
def test_forwarded_port_limits(port: int, quoted: bool) -> None:
    entry = f'"{port}"' if quoted else str(port)
    expected_valid = PORT_MIN <= port <= PORT_MAX
    assert (not _errors_at(f"project: ab\nports: [{entry}]\n", "/ports")) == expected_valid


@pytest.mark.parametrize("port", _PORTS)
def test_airyra_port_limits(port: int) -> None:
    expected_valid = cfg.MIN_USER_PORT <= port <= cfg.MAX_PORT
    assert (not _errors_at(f"project: ab\nairyra:\n  port: {port}\n", "/airyra/port")) == expected_valid


@SETTINGS
@given(workers=st.integers(cfg.MIN_WORKERS - 50, cfg.MAX_WORKERS + 50),
       port=st.integers(PORT_MIN - 100, PORT_MAX + 100),
       airyra=st.integers(cfg.MIN_USER_PORT - 100, cfg.MAX_PORT + 100),
       name_length=st.integers(0, cfg.MAX_PROJECT_NAME_LEN + 5),
       as_string=st.booleans())
def test_generated_values_near_the_limits_agree_with_the_schema(
        workers: int, port: int, airyra: int, name_length: int, as_string: bool) -> None:
    name = ("p" + "q" * name_length)[:name_length]
    entry = f'"{port}"' if as_string else str(port)
    text = (f"project: '{name}'\nworkers: {workers}\nports: [{entry}, \"{port}:80\"]\n"
            f"airyra: {{port: {airyra}}}\n")
    port_ok = PORT_MIN <= port <= PORT_MAX
    expectations = {
        "/project": cfg.MIN_PROJECT_NAME_LEN <= name_length <= cfg.MAX_PROJECT_NAME_LEN,
        "/workers": cfg.MIN_WORKERS <= workers <= cfg.MAX_WORKERS,
        "/airyra/port": cfg.MIN_USER_PORT <= airyra <= cfg.MAX_PORT,
    }
    for pointer, valid in expectations.items():
        assert (not _errors_at(text, pointer)) == valid, pointer
    port_errors = _errors_at(text, "/ports")
    if not port_ok:
        assert {i.pointer for i in port_errors} >= {"/ports/0", "/ports/1"}
    else:
        # The same host port twice is a duplicate; both clash with airyra.port when equal to it.
        assert {i.pointer for i in port_errors} == {"/ports/1"} | ({"/ports/0"} if port == airyra else set())
        assert any(i.message == f"duplicate port: {port}" for i in port_errors)



_safe_chars = st.characters(min_codepoint=0x20, max_codepoint=0x2FFF, blacklist_categories=["Cs", "Cc"],
                            blacklist_characters="\x85\u2028\u2029")


@SETTINGS
@given(prefix=st.lists(st.text(_safe_chars, max_size=8), max_size=4),
       bad=st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\ufffe"]))
def test_a_forbidden_character_is_located_exactly(prefix: list[str], bad: str) -> None:
    # libyaml reports a byte offset into UTF-8; the line and column must still be in characters.
    lines = [f"k{i}: '{part.replace(chr(39), '')}'" for i, part in enumerate(prefix)]
    text = "\n".join([*lines, f"x: 'é{bad}'"]) + "\n"
    result = _outcome(text)
    assert isinstance(result, ConfigError)
    assert result.line is not None and result.column is not None
    assert text.split("\n")[result.line - 1][result.column - 1] == bad


_json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=15)


@SETTINGS
@given(_json_values)
@example("\x85")  # NEL: libyaml folds it to a space inside single quotes
@example("a\u2028b")
@example("9" * 5000)  # a number too long for int(): must stay text
def test_what_is_written_reads_back_the_same(value: Any) -> None:
    from isollm.io.yamlio import dump_yaml, parse_yaml

    assert parse_yaml(dump_yaml({"value": value})).data == {"value": value}


def test_saving_a_lone_surrogate_is_refused_and_the_old_file_kept(tmp_path: Path) -> None:
    config = cfg.default_config("ab")
    cfg.save(tmp_path, config)
    before = (tmp_path / cfg.CONFIG_FILE_NAME).read_bytes()
    config.setup_script = "run\ud800.sh"
    with pytest.raises(ConfigError, match="lone surrogate"):
        cfg.save(tmp_path, config)
    assert (tmp_path / cfg.CONFIG_FILE_NAME).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [cfg.CONFIG_FILE_NAME]


def test_an_empty_key_is_named_as_itself_not_as_its_parent() -> None:
    issues = parse_config_text("project: ab\n'': 1\ngit:\n  '': 2\n", "k.yaml").issues()
    assert [(i.message, i.line) for i in issues] == [('unknown key ""', 2), ('unknown key "git."', 4)]
