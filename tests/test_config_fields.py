"""Fields mean what the Go isollm means by them (issue 11).

Each point is checked three ways: through the API (``isollm.config``), through the CLI's
own ``main(argv)`` in this process, and through the pre-commit hook's ``main(argv)``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests import dependencies

from isollm import config as cfg
from isollm.schema.loader import load_schema
from tests.inprocess import HOOK, LAUNCH, run

SCHEMA = load_schema("config")


@pytest.fixture
def cli() -> Any:
    """``cli(*argv, cwd=...)``: the ``isollm`` console entry point, in-process."""
    return lambda *argv, cwd: run(LAUNCH, *argv, cwd=cwd)


@pytest.fixture
def hook_run() -> Any:
    """``hook_run(*argv, cwd=...)``: the ``isollm-validate`` hook, in-process."""
    return lambda *argv, cwd: run(HOOK, *argv, cwd=cwd)


def write(directory: Path, text: str, name: str = "isollm.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(text: str) -> list[str]:
    return [issue.message for issue in cfg.parse_config_text(text).issues()]


# --- setup_script is an inline shell script ---------------------------------------------------

SCRIPT = "project: demo\nsetup_script: |\n  # Runs once when container is created\n  npm install\n  cat <<-EOF\n  \tindented by a tab\n  EOF\n"


def test_setup_script_block_with_newlines_and_tabs_is_valid_api() -> None:
    config = cfg.parse_config_text(SCRIPT)
    assert config.issues() == []
    assert config.setup_script == ("# Runs once when container is created\nnpm install\n"
                                   "cat <<-EOF\n\tindented by a tab\nEOF\n")


def test_setup_script_block_is_valid_cli_and_hook(tmp_path: Path, cli: Any, hook_run: Any) -> None:
    write(tmp_path, SCRIPT)
    assert cli("validate", cwd=tmp_path) == (0, "isollm.yaml: valid\n", "")
    assert hook_run("isollm.yaml", cwd=tmp_path) == (0, "", "")


@pytest.mark.parametrize("char", ["\x00", "\x01", "\r", "\x1b", "\x7f"])
def test_setup_script_refuses_other_control_characters(char: str, tmp_path: Path, cli: Any,
                                                       hook_run: Any) -> None:
    expected = SCHEMA["properties"]["setup_script"]["x-messages"]["pattern"]
    assert [i.message for i in cfg.Config({"project": "demo", "setup_script": f"a{char}b\n"}).issues()] == [
        expected]
    escaped = "\\x%02x" % ord(char)
    write(tmp_path, f'project: demo\nsetup_script: "echo{escaped}\\n"\n')
    line = f"isollm.yaml:2:15: error: {expected}\n"
    assert cli("validate", cwd=tmp_path) == (1, "", line)
    assert hook_run("isollm.yaml", cwd=tmp_path) == (1, "", line)


def test_setup_script_is_described_as_an_inline_script() -> None:
    schema = SCHEMA["properties"]["setup_script"]
    assert "script" in schema["description"] and "path" not in schema["description"].lower()
    assert all("\n" in example for example in schema["examples"])
    page = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert "setup-worker.sh" not in page and "setup_script: |" in page


# --- config show writes a multi-line string as a | block ------------------------------------

@pytest.mark.parametrize("text", ["npm install\n", "a\nb", "a\n\n\nb\n\n", "  indented\nx\n", "\ttab\n\tx\n",
                                  "x\n\ty\n", "#!/bin/sh\nset -eu\n", "\n"])
def test_dump_writes_multi_line_strings_as_blocks_that_read_back(text: str) -> None:
    from isollm.io.yamlio import dump_yaml, parse_yaml

    dumped = dump_yaml({"setup_script": text})
    # Text ending in a blank line is quoted: its block ("|+") would take in the blank lines below it.
    assert dumped.startswith('setup_script: "' if text.endswith("\n\n") or text == "\n" else "setup_script: |")
    assert "..." not in dumped
    assert parse_yaml(dumped).data == {"setup_script": text}


def test_config_show_prints_the_setup_script_as_a_block(tmp_path: Path, cli: Any) -> None:
    write(tmp_path, SCRIPT)
    status, out, _ = cli("config", "show", cwd=tmp_path)
    assert status == 0
    assert ("setup_script: |\n  # Runs once when container is created\n  npm install\n  cat <<-EOF\n"
            "  \tindented by a tab\n  EOF\n") in out


# --- claude.args defaults to nothing; no default weakens a safety check -----------------------

UNSAFE = ("dangerously", "skip-permissions", "skip_permissions")


def _suggestions(node: Any) -> Any:
    """Every value a schema would fill in for a user: defaults, snippets, examples."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("default", "defaultSnippets", "examples"):
                yield key, value
            yield from _suggestions(value)
    elif isinstance(node, list):
        for item in node:
            yield from _suggestions(item)


@pytest.mark.parametrize("name", ["config", "session", "worker"])
def test_no_schema_default_weakens_a_safety_check(name: str) -> None:
    import json

    found = list(_suggestions(load_schema(name)))
    assert found
    for key, value in found:
        text = json.dumps(value).lower()
        assert not any(word in text for word in UNSAFE), (key, value)


def test_claude_args_default_is_empty_api() -> None:
    assert SCHEMA["properties"]["claude"]["properties"]["args"]["default"] == []
    assert cfg.default_config("demo").claude.args == []
    assert cfg.parse_config_text("project: demo\n").to_dict()["claude"]["args"] == []


def test_init_never_turns_off_permission_prompts(tmp_path: Path, cli: Any, hook_run: Any) -> None:
    import json

    assert cli("init", "--name", "demo", cwd=tmp_path)[0] == 0
    text = (tmp_path / "isollm.yaml").read_text(encoding="utf-8")
    assert not any(word in text.lower() for word in UNSAFE)
    status, out, _ = cli("config", "show", "--format", "json", cwd=tmp_path)
    assert status == 0 and json.loads(out)["claude"]["args"] == []
    assert hook_run("isollm.yaml", cwd=tmp_path) == (0, "", "")


# --- a key left null counts as not written ----------------------------------------------------

NULLS = """\
project: demo
workers:
image: ~
setup_script: null
git:
  # upstream: origin
claude:
  command:
  args: ~
airyra:
  host:
  port:
ports:
zellij:
  layout:
  dashboard: ~
"""


def test_null_keys_take_their_defaults_api() -> None:
    config = cfg.parse_config_text(NULLS)
    assert config.issues() == []
    assert config.to_dict() == cfg.default_config("demo").to_dict()
    assert config.setup_script is None and config.git.upstream is None


def test_null_keys_take_their_defaults_cli_and_hook(tmp_path: Path, cli: Any, hook_run: Any) -> None:
    import json

    write(tmp_path, NULLS)
    assert cli("validate", cwd=tmp_path) == (0, "isollm.yaml: valid\n", "")
    status, out, err = cli("config", "show", "--format", "json", cwd=tmp_path)
    assert (status, err) == (0, "")
    assert json.loads(out) == cfg.default_config("demo").to_dict()
    assert hook_run("isollm.yaml", cwd=tmp_path) == (0, "", "")


@pytest.mark.parametrize("text", ["project:\n", "project: ~\nworkers: 2\n", "workers: 2\nproject: null\n"])
def test_a_null_project_is_missing(text: str, tmp_path: Path, cli: Any, hook_run: Any) -> None:
    config = cfg.parse_config_text(text, "isollm.yaml")
    [issue] = config.issues()
    assert issue.message == "project name is required"
    line = text.splitlines().index(next(row for row in text.splitlines() if row.startswith("project"))) + 1
    assert (issue.line, issue.column) == (line, 1)  # at the key left empty
    write(tmp_path, text)
    expected = f"isollm.yaml:{line}:1: error: project name is required\n"
    assert cli("validate", cwd=tmp_path) == (1, "", expected)
    assert hook_run("isollm.yaml", cwd=tmp_path) == (1, "", expected)


def test_an_unknown_key_left_null_is_still_unknown() -> None:
    assert messages("project: demo\nworker:\n") == ['unknown key "worker" (did you mean "workers"?)']


def test_setting_none_through_the_api_unsets() -> None:
    config = cfg.default_config("demo")
    config.workers = 7
    config.workers = None  # type: ignore[assignment]
    assert config.workers == SCHEMA["properties"]["workers"]["default"]
    config.git.upstream = "origin"
    config.git.upstream = None
    assert "upstream" not in config.to_dict()["git"]
    assert cfg.Config({"project": "demo", "workers": None}).workers == 3


def _optional_positions(schema: dict[str, Any], top: bool = True) -> Any:
    for name, sub in schema.get("properties", {}).items():
        if not (top and name in schema.get("required", [])):
            yield name, sub
        yield from _optional_positions(sub, top=False)


def test_the_schema_lets_every_optional_key_be_null_and_project_not() -> None:
    from isollm.validator import IsollmValidator

    for name, sub in _optional_positions(SCHEMA):
        assert "null" in sub["type"], name
        assert IsollmValidator(sub).is_valid(None), name
    assert SCHEMA["properties"]["project"]["type"] == "string"


@dependencies.program("check-jsonschema")
def test_plain_check_jsonschema_agrees_on_nulls(tmp_path: Path) -> None:
    import subprocess

    schema = Path(__file__).resolve().parent.parent / "schemas" / "isollm.schema.json"
    good, bad = write(tmp_path, NULLS, "good.yaml"), write(tmp_path, "project: ~\n", "bad.yaml")
    result = subprocess.run(["check-jsonschema", "--schemafile", str(schema), str(good)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    result = subprocess.run(["check-jsonschema", "--schemafile", str(schema), str(bad)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "project" in result.stdout


# --- airyra.host: Go joins host:port, so IPv6 goes in brackets --------------------------------

BARE_V6 = 'airyra.host "{0}" is not a valid hostname or IP address: an IPv6 address goes in brackets, as in ' \
          '[::1], and a port in airyra.port'


@pytest.mark.parametrize("host", ["::1", "fe80::1%eth0", "2001:db8::7", "::ffff:10.0.0.1"])
def test_a_bare_ipv6_host_is_refused_with_the_bracketed_form(host: str, tmp_path: Path, cli: Any,
                                                             hook_run: Any) -> None:
    assert messages(f'project: demo\nairyra:\n  host: "{host}"\n') == [BARE_V6.format(host)]
    write(tmp_path, f'project: demo\nairyra:\n  host: "{host}"\n')
    expected = f"isollm.yaml:3:9: error: {BARE_V6.format(host)}\n"
    assert cli("validate", cwd=tmp_path) == (1, "", expected)
    assert hook_run("isollm.yaml", cwd=tmp_path) == (1, "", expected)


@pytest.mark.parametrize("host", ["[::1]", "[2001:db8::7]", "localhost", "10.0.0.1"])
def test_a_bracketed_ipv6_host_is_accepted(host: str, tmp_path: Path, cli: Any, hook_run: Any) -> None:
    assert messages(f'project: demo\nairyra:\n  host: "{host}"\n') == []
    write(tmp_path, f'project: demo\nairyra:\n  host: "{host}"\n')
    assert cli("validate", cwd=tmp_path)[0] == 0
    assert hook_run("isollm.yaml", cwd=tmp_path) == (0, "", "")


@pytest.mark.parametrize("host", ["localhost:7432", "[::1]:7432", "[localhost]", "1:2:3:4:5:6:7:8:9"])
def test_a_host_with_a_port_or_a_bad_address_gets_one_message(host: str) -> None:
    [message] = messages(f'project: demo\nairyra:\n  host: "{host}"\n')
    assert "is not a valid hostname or IP address" in message


def test_the_schema_alone_refuses_every_bare_ipv6_address() -> None:
    """The brackets rule of ``airyra.host`` (a standard pattern, which plain check-jsonschema
    and editors see too) refuses every spelling of every bare IPv6 address and lets the
    bracketed form through."""
    import ipaddress
    import random

    from isollm.schema.formats import compile_pattern

    rules = SCHEMA["properties"]["airyra"]["properties"]["host"]["allOf"]
    (brackets,) = [rule for rule in rules if "brackets" in rule.get("patternErrorMessage", "")]
    pattern = compile_pattern(brackets["pattern"])
    rng = random.Random(11)
    for _ in range(2000):
        address = ipaddress.IPv6Address(rng.getrandbits(128) >> rng.choice([0, 16, 64, 112, 127]))
        for text in (str(address), address.exploded, str(address).upper(), f"{address}%eth0"):
            assert not pattern.search(text), text
            assert pattern.search(f"[{text}]")
    for text in ("localhost", "10.0.0.1", "tasks.internal"):
        assert pattern.search(text)


# --- git.upstream: a remote name (which may contain '/') or a URL -----------------------------

@pytest.mark.parametrize("upstream", ["origin", "team/origin", "a/b/c", "https://github.com/acme/app.git",
                                      "git@github.com:acme/app.git", "../app.git"])
def test_upstream_names_and_urls_are_accepted(upstream: str, tmp_path: Path, cli: Any, hook_run: Any) -> None:
    text = f"project: demo\ngit:\n  upstream: {upstream}\n"
    assert messages(text) == []
    write(tmp_path, text)
    assert cli("validate", cwd=tmp_path) == (0, "isollm.yaml: valid\n", "")
    assert hook_run("isollm.yaml", cwd=tmp_path) == (0, "", "")


@pytest.mark.parametrize("upstream", ["team//origin", "team/"])
def test_upstream_remote_names_follow_git_ref_rules(upstream: str, tmp_path: Path, cli: Any) -> None:
    text = f"project: demo\ngit:\n  upstream: {upstream}\n"
    expected = ("git.upstream is not a valid remote: a remote name cannot contain '..' or '//', "
                "nor end with '/', '.' or '.lock'")
    assert messages(text) == [expected]
    write(tmp_path, text)
    assert cli("validate", cwd=tmp_path) == (1, "", f"isollm.yaml:3:13: error: {expected}\n")


# --- ports are text, as written; plain decimal numbers ----------------------------------------

def test_ports_are_strings_as_written_api() -> None:
    config = cfg.parse_config_text("project: demo\nports:\n  - 3000\n  - 8080:80\n  - '9000'\n")
    assert config.ports == ["3000", "8080:80", "9000"]
    assert all(port.split(":")[0].isdigit() for port in config.ports)
    assert cfg.Config({"project": "demo", "ports": [3000, "8080:80"]}).ports == ["3000", "8080:80"]
    config.ports = [4000]
    assert config.ports == ["4000"]


def test_ports_are_strings_in_config_show(tmp_path: Path, cli: Any, hook_run: Any) -> None:
    import json

    write(tmp_path, "project: demo\nports:\n  - 3000\n  - 8080:80\n")
    status, out, err = cli("config", "show", cwd=tmp_path)
    assert (status, err) == (0, "") and "ports:\n- '3000'\n- 8080:80\n" in out
    status, out, err = cli("config", "show", "--format", "json", cwd=tmp_path)
    assert json.loads(out)["ports"] == ["3000", "8080:80"]
    assert hook_run("isollm.yaml", cwd=tmp_path) == (0, "", "")


@pytest.mark.parametrize("port", ["0x1F90", "0o17620", "8e3", "8080.0", "+3000", "1_000", "true", ".inf"])
def test_ports_are_plain_decimal_numbers_as_go_reads_them(port: str, tmp_path: Path, cli: Any,
                                                          hook_run: Any) -> None:
    text = f"project: demo\nports:\n  - {port}\n"
    expected = f'invalid port "{port}": not a valid number'
    assert messages(text) == [expected]
    write(tmp_path, text)
    assert cli("validate", cwd=tmp_path) == (1, "", f"isollm.yaml:3:5: error: {expected}\n")
    assert hook_run("isollm.yaml", cwd=tmp_path) == (1, "", f"isollm.yaml:3:5: error: {expected}\n")


# --- a leading zero is never accepted silently ------------------------------------------------

LEADING_ZERO = ("{0}: {1} has a leading zero, which the Go isollm may read as octal and YAML 1.2 reads as "
                "decimal; write {2} (without the zero)")


@pytest.mark.parametrize(("text", "line", "expected"), [
    ("project: demo\nworkers: 010\n", "2:10", LEADING_ZERO.format("workers", "010", 10)),
    ("project: demo\nworkers: 030\n", "2:10", LEADING_ZERO.format("workers", "030", 30)),  # not also "> 20"
    ("project: demo\nairyra:\n  port: 07432\n", "3:9", LEADING_ZERO.format("airyra.port", "07432", 7432)),
    ("project: demo\nports: [03000]\n", "2:9", 'invalid port "03000": has a leading zero (the Go isollm may read it as octal); write it without'),
    ("project: demo\nports: ['03000:080']\n", "2:9", 'invalid port "03000:080": has a leading zero (the Go isollm may read it as octal); write it without'),
])
def test_a_leading_zero_gets_one_message_naming_it(text: str, line: str, expected: str, tmp_path: Path,
                                                   cli: Any, hook_run: Any) -> None:
    assert messages(text) == [expected]
    write(tmp_path, text)
    assert cli("validate", cwd=tmp_path) == (1, "", f"isollm.yaml:{line}: error: {expected}\n")
    assert hook_run("isollm.yaml", cwd=tmp_path) == (1, "", f"isollm.yaml:{line}: error: {expected}\n")


@pytest.mark.parametrize("text", ["project: demo\nworkers: 0o12\n", "project: demo\nworkers: 0x0A\n",
                                  "project: demo\nworkers: 10\n", "project: demo\ngit:\n  base_branch: '010'\n",
                                  "project: demo\ngit:\n  base_branch: 010\n"])
def test_numbers_both_readers_agree_on_are_fine(text: str) -> None:
    assert messages(text) == []


# --- a number or boolean where a field wants text keeps the text as written ------------------

TEXTS = """\
project: true
image: 24.04
setup_script: 42
git:
  base_branch: 1.10
  branch_prefix: 2.0/
  upstream: 1e3
claude:
  command: 007
  args: [--max-turns, 50, --verbose, true, 1.50]
airyra:
  project: 0x10
"""


def test_text_fields_keep_the_text_as_written_api() -> None:
    config = cfg.parse_config_text(TEXTS)
    assert [issue.message for issue in config.issues()] == []
    assert (config.project, config.image, config.setup_script) == ("true", "24.04", "42")
    assert (config.git.base_branch, config.git.branch_prefix, config.git.upstream) == ("1.10", "2.0/", "1e3")
    assert (config.claude.command, config.claude.args) == ("007", ["--max-turns", "50", "--verbose", "true", "1.50"])
    assert config.airyra.project == "0x10"


def test_text_fields_keep_the_text_as_written_cli_and_hook(tmp_path: Path, cli: Any, hook_run: Any) -> None:
    import json

    write(tmp_path, TEXTS)
    status, out, err = cli("validate", cwd=tmp_path)
    assert status == 0 and ": error:" not in err
    status, out, _ = cli("config", "show", "--format", "json", cwd=tmp_path)
    shown = json.loads(out)
    assert (shown["git"]["base_branch"], shown["claude"]["args"][1], shown["project"]) == ("1.10", "50", "true")
    status, out, _ = cli("config", "show", cwd=tmp_path)
    assert "base_branch: '1.10'" in out and "- '50'" in out
    assert hook_run("isollm.yaml", cwd=tmp_path)[0] == 0


def test_text_fields_written_as_numbers_or_booleans_warn_with_the_spelling_every_tool_reads() -> None:
    # Valid here and in Go, but the editor and check-jsonschema (YAML 1.2) refuse them: say how to quote.
    from isollm.check import check_config

    checked = check_config(TEXTS, "isollm.yaml")
    assert checked.errors == []
    told = [(w.line, w.message) for w in checked.warnings if w.keyword == "unquoted"]
    expected = [(1, "project", "true", "boolean"), (2, "image", "24.04", "number"), (3, "setup_script", "42", "number"),
                (5, "git.base_branch", "1.10", "number"), (7, "git.upstream", "1e3", "number"),
                (9, "claude.command", "007", "number"), (10, "claude.args.1", "50", "number"),
                (10, "claude.args.3", "true", "boolean"), (10, "claude.args.4", "1.50", "number"),
                (12, "airyra.project", "0x10", "number")]
    assert told == [(line, f"{field}: {text} is text to isollm and the Go isollm, but a {kind} to YAML 1.2 tools "
                           f'(the editor, check-jsonschema), which refuse it; write "{text}"')
                    for line, field, text, kind in expected]
    # Where the schema takes a number too (a port), every tool accepts it: nothing to say.
    assert check_config("project: demo\nports: [3000]\ngit:\n  base_branch: '1.10'\n", "x").warnings == []
    # Nor where the value is wrong as text too: its error says what to fix.
    checked = check_config("project: 123\n", "x")
    assert [e.pointer for e in checked.errors] == ["/project"] and checked.warnings == []


def test_an_explicit_number_tag_is_not_text() -> None:
    # The writer asked for a number: a text field refuses it rather than guess.
    assert messages("project: demo\ngit:\n  base_branch: !!float 1.10\n") == ["git.base_branch must be a string"]


def test_text_as_written_follows_aliases() -> None:
    config = cfg.parse_config_text("project: demo\ngit:\n  base_branch: &v 1.10\nclaude:\n  args: [*v]\n")
    assert (config.git.base_branch, config.claude.args) == ("1.10", ["1.10"])


# --- one problem, one message -----------------------------------------------------------------

BAD_SCALARS = ["", " ", "\x00", "a\x00", "\t", "\n", "a\n", "a b", "x" * 300, "/", "//", "..", "-", "@", "é", ":",
               "a:b:c", "[]", "::1", "[::1]:1", "0", "65536", "1:2:3", "03000", "+1", "a..b/", "/x", "x/",
               "x.lock", "-x/", "ubuntu", 0, -1, 1.5, 10 ** 6, 65536, True, False, {}, {"a": 1},
               float("inf"), float("nan")]


def _leaves(schema: dict[str, Any], path: tuple[str, ...] = ()) -> Any:
    for name, sub in schema.get("properties", {}).items():
        yield path + (name,), sub
        yield from _leaves(sub, path + (name,))


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"project": "demo"}
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value
    return data


FIELD_CASES = [(".".join(path), value) for path, _ in _leaves(SCHEMA)
               for value in [*BAD_SCALARS, *([v] for v in BAD_SCALARS)]]


@pytest.mark.parametrize(("field", "value"), FIELD_CASES, ids=[f"{f}={v!r}"[:60] for f, v in FIELD_CASES])
def test_one_bad_value_gets_exactly_one_message(field: str, value: Any) -> None:
    from isollm.schema.decide import checker_for

    data = cfg.Config(_with(tuple(field.split(".")), value))
    found = [issue.message for issue in data.issues()]
    if checker_for("config")(data._data):
        assert found == []
        return
    # A value breaking two independent rules (``/x`` as a prefix: starts with '/' and does not
    # end with one) hears of each; one problem is never told twice, and an empty or
    # wrongly typed value is one problem.
    assert found and len(found) == len(set(found)), found
    if value == "" or not isinstance(value, str):
        assert len(found) == 1, found


def test_the_sweep_meets_many_bad_values() -> None:
    from isollm.schema.decide import checker_for

    bad = [case for case in FIELD_CASES
           if not checker_for("config")(cfg.Config(_with(tuple(case[0].split(".")), case[1]))._data)]
    assert len(bad) > len(FIELD_CASES) // 2


@pytest.mark.parametrize(("text", "line", "message"), [
    ('project: demo\nsetup_script: ""\n', "2:15", "setup_script cannot be empty (leave it out for none)"),
    ('project: demo\nclaude:\n  command: ""\n', "3:12", "claude.command cannot be empty"),
    ('project: demo\nairyra:\n  project: ""\n', "3:12", "airyra.project cannot be empty"),
    ("project: '0'\n", "1:10", "project name must be alphanumeric with hyphens, starting with a letter"),
    ('project: demo\nports: ["7432", "3000", "3000"]\n', "2:9", "port 7432 conflicts with airyra.port"),
])
def test_one_message_through_the_cli_and_the_hook(text: str, line: str, message: str, tmp_path: Path,
                                                  cli: Any, hook_run: Any) -> None:
    write(tmp_path, text)
    status, _, err = cli("validate", cwd=tmp_path)
    assert status == 1 and err.splitlines()[0] == f"isollm.yaml:{line}: error: {message}"
    if "3000" not in text:
        assert len(err.splitlines()) == 1
    else:  # one message per entry: the second 3000 is a repeat, and only that
        assert err.splitlines()[1:] == ['isollm.yaml:2:25: error: duplicate port: 3000']
    assert hook_run("isollm.yaml", cwd=tmp_path) == (1, "", err)


# --- one config file name: isollm.yaml ---------------------------------------------------------

RENAME = ("isollm reads only isollm.yaml; rename isollm.yml to isollm.yaml "
          "(git mv {0}isollm.yml {0}isollm.yaml)")


def test_validate_and_the_hook_tell_to_rename_an_isollm_yml(tmp_path: Path, cli: Any, hook_run: Any) -> None:
    (tmp_path / "svc").mkdir()
    write(tmp_path / "svc", "project: demo\nworkers: 50\n", "isollm.yml")
    expected = (f"svc/isollm.yml: error: {RENAME.format('svc/')}\n"
                "svc/isollm.yml:2:10: error: workers cannot exceed 20\n")
    assert cli("validate", "svc/isollm.yml", cwd=tmp_path) == (1, "", expected)
    assert hook_run("svc/isollm.yml", cwd=tmp_path) == (1, "", expected)
    write(tmp_path / "svc", "project: demo\n", "isollm.yml")  # valid content: still refused by name
    assert hook_run("svc/isollm.yml", cwd=tmp_path) == (1, "", f"svc/isollm.yml: error: {RENAME.format('svc/')}\n")


def test_the_api_finds_no_project_in_an_isollm_yml_and_says_why(tmp_path: Path) -> None:
    write(tmp_path, "project: demo\n", "isollm.yml")
    (tmp_path / "sub").mkdir()
    with pytest.raises(cfg.ConfigError) as raised:
        cfg.find_project_root(tmp_path / "sub")
    assert raised.value.message == RENAME.format("../")
    with pytest.raises(cfg.ConfigError) as raised:
        cfg.load(tmp_path)
    assert raised.value.message == RENAME.format(f"{tmp_path}/")
    write(tmp_path, "project: demo\n")  # with an isollm.yaml beside it, that one is the config
    assert cfg.find_project_root(tmp_path / "sub") == tmp_path
    assert cfg.load(tmp_path).project == "demo"


@pytest.mark.parametrize("argv", [["validate"], ["config", "show"], ["config", "edit"]])
def test_commands_in_a_project_with_an_isollm_yml_say_to_rename_it(argv: list[str], tmp_path: Path,
                                                                  cli: Any) -> None:
    write(tmp_path, "project: demo\n", "isollm.yml")
    status, out, err = cli(*argv, cwd=tmp_path)
    assert (status, out) == (1, "")
    # validate reports it as it reports any file it checks, `validate .` alike (tests/test_cli_outside.py).
    expected = "isollm.yml: error: " if argv == ["validate"] else "error: isollm.yml: "
    assert err == f"{expected}{RENAME.format('')}\n"


def test_init_beside_an_isollm_yml_refuses(tmp_path: Path, cli: Any) -> None:
    write(tmp_path, "project: demo\n", "isollm.yml")
    status, out, err = cli("init", "--name", "demo", cwd=tmp_path)
    assert (status, out) == (1, "")
    assert err == (f"error: {tmp_path / 'isollm.yml'} exists: {RENAME.format('')}; "
                   "init does not create a second config\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["isollm.yml"]


def test_every_entry_point_names_one_file() -> None:
    import json
    import re

    repo = Path(__file__).resolve().parent.parent
    catalog = json.loads((repo / "schemastore" / "catalog-entry.json").read_text(encoding="utf-8"))
    assert catalog["fileMatch"] == [cfg.CONFIG_FILE_NAME]
    hooks = (repo / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    files = re.search(r"^  files: (.+)$", hooks, re.MULTILINE)
    assert files and re.search(files.group(1), "isollm.yaml") and re.search(files.group(1), "isollm.yml")
    assert not re.search(files.group(1), "isollm.yaml.bak")


# --- init writes a commented config, from the schema -------------------------------------------

def _keys(schema: dict[str, Any], prefix: str = "") -> Any:
    for name, sub in schema.get("properties", {}).items():
        yield prefix + name, sub
        yield from _keys(sub, f"{prefix}{name}.")


def test_init_writes_every_key_with_its_comment(tmp_path: Path, cli: Any, hook_run: Any) -> None:
    from isollm.docgen import comment_text

    assert cli("init", "--name", "my-project", cwd=tmp_path)[0] == 0
    text = (tmp_path / "isollm.yaml").read_text(encoding="utf-8")
    assert text.startswith(cfg.SCHEMA_MODELINE)
    lines = text.splitlines()
    for key, sub in _keys(SCHEMA):
        name = key.rsplit(".", 1)[-1]
        indent = "  " * key.count(".")
        at = next(i for i, line in enumerate(lines) if line.startswith((f"{indent}{name}:", f"{indent}# {name}:")))
        above = []  # the comment lines right above the key
        for line in reversed(lines[:at]):
            if not line.startswith(f"{indent}# ") or re.match(rf"{indent}# ([a-z_]+:|[- ])", line):
                break
            above.insert(0, line.removeprefix(f"{indent}# "))
        assert " ".join(above) == comment_text(sub), key
        described = sub.get("x-comment") or sub["description"]
        assert " ".join(above).startswith(described.split(".")[0].split(":")[0]), key
    # Optional keys are shown commented out, ready to uncomment; nothing unsafe.
    for shown in ("# setup_script: |", "  # upstream: origin", "  # args:", "  # project: my-app", "# ports:"):
        assert shown in lines, shown
    assert "  args:" not in lines and "dangerously" not in text
    assert cfg.load(tmp_path).issues() == []
    assert cli("validate", cwd=tmp_path) == (0, "isollm.yaml: valid\n", "")
    assert hook_run("isollm.yaml", cwd=tmp_path) == (0, "", "")


def test_the_comments_follow_the_schema() -> None:
    import copy

    from isollm.docgen import commented_config

    data = cfg.default_config("demo")._data
    changed = copy.deepcopy(SCHEMA)
    changed["properties"]["workers"]["description"] = "Agents side by side. More words after."
    changed["properties"]["git"]["properties"]["upstream"]["x-comment"] = "Push here too."
    changed["properties"]["zellij"]["properties"]["layout"]["enum"] = ["auto", "grid", None]
    text = commented_config(data, changed)
    assert "# Agents side by side.\nworkers: 3\n" in text
    assert "  # Push here too.\n  # upstream: origin\n" in text
    assert "  # How worker panes are arranged: auto or grid.\n  layout: auto\n" in text
    assert "More words after" not in text and "How many agent containers" not in text
    assert "How many agent containers" in commented_config(data, SCHEMA)


@pytest.mark.parametrize("example", sorted((Path(__file__).parent / "examples" / "valid").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_a_rendered_config_reads_back_as_the_same_config(example: Path) -> None:
    config = cfg.load_file(example)
    again = cfg.parse_config_text(cfg.render(config))
    assert again.to_dict() == config.to_dict()
    assert again.issues() == []


def test_every_commented_out_key_is_valid_once_uncommented() -> None:
    text = cfg.render(cfg.default_config("demo"))
    # A commented-out key and its value's lines (list items, or a block's indented lines).
    blocks = re.findall(r"^( *)# ([a-z_]+:.*\n(?:\1# [- ].*\n)*)", text, re.MULTILINE)
    assert len(blocks) >= 5
    for indent, block in blocks:
        head = block.splitlines()[0]
        lines = [head] + [line.removeprefix(f"{indent}# ") for line in block.splitlines()[1:]]
        start = text.index(f"{indent}# {head}\n")
        # Uncomment the block: each of its lines, with the key at its own indentation.
        uncommented = text[:start] + "".join(f"{indent}{line}\n" for line in lines) + text[start + len(
            f"{indent}# {block}"):]
        config = cfg.parse_config_text(uncommented)
        assert config.issues() == [], head
        assert config.to_dict() != cfg.default_config("demo").to_dict() or head.startswith("project"), head


# --- the documented differences from the Go isollm --------------------------------------------

def test_the_differences_table_covers_each_deliberate_difference() -> None:
    from isollm import docgen

    page = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert f"## {docgen.DIFFERENCES_TITLE}" in page
    table = "\n".join(" | ".join(row) for row in docgen.go_differences(SCHEMA))
    for topic in ("Unknown keys", "`workers: 0`", "`zellij.dashboard`", "leading zero", "wants text",
                  "Duplicate host ports", "`airyra.host`", "Range of `ports`", "`isollm.yml`", "YAML 1.1",
                  "`workers: 2.5`", "merge keys"):
        assert topic in table, topic
    for what, go, here, why in docgen.go_differences(SCHEMA):
        assert f"| {what} | {go} | {here} | {why} |" in page


def test_the_differences_table_reads_its_numbers_from_the_schema() -> None:
    import copy

    from isollm import docgen

    changed = copy.deepcopy(SCHEMA)
    changed["properties"]["airyra"]["properties"]["port"]["minimum"] = 2000
    changed["properties"]["zellij"]["properties"]["dashboard"]["default"] = False
    table = "\n".join(" | ".join(row) for row in docgen.go_differences(changed))
    assert "`airyra.port` 2000 to 65535" in table and "`false`, the schema's default" in table
