"""One CLI model: Fire reads the command line and renders --help from ``isollm.cli.front``, and the two agree.

Each flag --help shows is accepted as shown, a help that offers flags syntax for positional
arguments keeps its word, and every value reaches the command exactly as typed.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from isollm.cli import front
from isollm.cli.front import Isollm, Run
from isollm.cli.launch import help_text, main
from tests.conftest import REPO, _env


def _commands(node: object = Isollm(), words: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for word in front.commands(node):
        member = getattr(node, word)
        if callable(member):
            yield (*words, word)
        else:
            yield from _commands(member, (*words, word))


COMMANDS = list(_commands())
IDS = [" ".join(words) for words in COMMANDS]


def _method(words: tuple[str, ...]) -> Any:
    node: Any = Isollm()
    for word in words:
        node = getattr(node, word)
    return node


@pytest.fixture
def chosen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Run]:
    """What each ``main(argv)`` chose, not run: Fire reads the line, the command does nothing."""
    runs: list[Run] = []

    def record(self: Run, **options: object) -> int:
        runs.append(self)
        return 0

    monkeypatch.setattr(Run, "run", record)
    monkeypatch.chdir(tmp_path)
    return runs


def _section(text: str, title: str) -> list[str]:
    match = re.search(rf"^{title}\n((?:    .*\n|\n)*)", text, re.MULTILINE)
    return match.group(1).splitlines() if match else []


def _required_positionals(text: str) -> list[str]:
    """KEY, VALUE: the names the synopsis shows before <flags> (``[PATH]...`` is optional)."""
    synopsis = _section(text, "SYNOPSIS")[0].split()
    return [word for word in synopsis if word.isalpha() and word.isupper()]


def _shown_flags(text: str) -> list[tuple[list[str], str | None]]:
    """Each flag of the FLAGS section: its spellings (``-f``, ``--format``) and the value it shows (``FORMAT``)."""
    flags = []
    for line in _section(text, "FLAGS"):
        match = re.fullmatch(r"    ((?:-\w, )?)(--[\w-]+)(?:=(\w+))?", line)
        if match:
            short = [match.group(1)[:-2]] if match.group(1) else []
            flags.append(([*short, match.group(2)], match.group(3)))
    return flags


def _accepted(status: int, err: str) -> bool:
    """Not refused for its form: run, or its value checked against the command's choices."""
    return status == 0 or (status == 2 and "must be one of" in err)


@pytest.mark.parametrize("words", COMMANDS, ids=IDS)
def test_every_flag_help_shows_is_accepted_as_shown(words: tuple[str, ...], chosen: list[Run],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    text = help_text(words)
    required = ["x"] * len(_required_positionals(text))
    forms = []
    for spellings, value in _shown_flags(text):
        for spelling in spellings:
            forms += [[spelling]] if value is None else [[f"{spelling}=x"], [spelling, "x"]]
    assert forms or "FLAGS" not in text
    for form in forms:
        status = main([*words, *required, *form])
        err = capsys.readouterr().err
        assert _accepted(status, err), (form, err)


@pytest.mark.parametrize("words", COMMANDS, ids=IDS)
def test_flags_syntax_for_positionals_when_help_says_so(words: tuple[str, ...], chosen: list[Run],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    text = help_text(words)
    names = _required_positionals(text)
    says = "You can also use flags syntax for POSITIONAL ARGUMENTS" in text
    assert says == bool(names)
    if not says:
        return
    as_flags = [f"--{name.lower()}={name.lower()}-value" for name in names]
    assert main([*words, *reversed(as_flags)]) == 0, capsys.readouterr().err
    assert list(chosen[-1].args)[:len(names)] == [f"{name.lower()}-value" for name in names]


@pytest.mark.parametrize("words", COMMANDS, ids=IDS)
def test_a_switch_takes_no_value_and_not_the_next_word(words: tuple[str, ...], chosen: list[Run],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    for spellings, value in _shown_flags(help_text(words)):
        if value is not None:
            continue
        for spelling in spellings:
            assert main([*words, f"{spelling}=yes"]) == 2
            assert "takes no value (got 'yes')" in capsys.readouterr().err
            if words == ("schema",):
                assert main([*words, spelling, "worker"]) == 0
                assert chosen[-1].args == ("worker",) and chosen[-1].kwargs == {"path": True}


@pytest.mark.parametrize(("args", "expected"), [
    (["validate", "--", "--help"], ((("--help",), "text"), {})),
    (["validate"], (((), "text"), {})),
    (["validate", "a", "-", "-1.yaml", "--format=json", "b"], ((("a", "-", "-1.yaml", "b"), "json"), {})),
    (["validate", "-f", "github", "--", "-x.yaml", "--format"], ((("-x.yaml", "--format"), "github"), {})),
    (["validate", "--format", "json", "--format", "text"], (((), "text"), {})),  # the last one counts
    (["config", "show", "-f=json"], ((None, "json"), {})),
    (["config", "show", "-", "--format", "json"], (("-", "json"), {})),
    (["config", "show", "--path", "svc"], (("svc", "yaml"), {})),
    (["state", "show"], (("text",), {})),
    (["state", "clean", "--unknown-session"], ((True,), {})),
    (["state", "clean"], ((False,), {})),
    (["init", "--name", "2024", "--workers=0x10", "-i", "fix#12"],
     ((), {"name": "2024", "workers": "0x10", "image": "fix#12"})),
    (["init"], ((), {"name": None, "workers": None, "image": None})),
    (["init", "--image="], ((), {"name": None, "workers": None, "image": ""})),
    (["schema"], (("config",), {"path": False})),
    (["schema", "--path", "worker"], (("worker",), {"path": True})),
    (["schema", "-p", "--name", "session"], (("session",), {"path": True})),
    (["config", "edit"], ((), {})),
    (["config", "get", "git.base_branch"], (("git.base_branch", None), {})),
    (["config", "get", "workers", "-p", "../other"], (("workers", "../other"), {})),
    (["config", "get", "--path", "x", "--key", "workers"], (("workers", "x"), {})),
    (["config", "set", "workers", "-1"], (("workers", "-1"), {})),
    (["config", "set", "--key", "workers", "5"], (("workers", "5"), {})),
    (["config", "unset", "git.upstream"], (("git.upstream",), {})),
], ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_what_each_command_line_chooses(args: list[str], expected: tuple[tuple[object, ...], dict[str, object]],
                                        chosen: list[Run]) -> None:
    assert main(args) == 0
    (run,) = chosen
    assert (run.args, run.kwargs) == expected


@pytest.mark.parametrize(("args", "words"), [([], ()), (["-h"], ()), (["config"], ("config",)),
                                             (["state", "--help"], ("state",)),
                                             (["validate", "a.yaml", "--help"], ("validate",)),
                                             (["config", "set", "k", "-h", "v"], ("config", "set")),
                                             (["schema", "--path=x", "--help"], ("schema",))])
def test_help_anywhere_before_double_dash(args: list[str], words: tuple[str, ...], chosen: list[Run],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 0
    assert capsys.readouterr().out.startswith(f"NAME\n    {' '.join(['isollm', *words])} - ")
    assert chosen == []


VALUES = ["1.10", "0x10", "a,b", "fix#12", "007", "True", "None", "1e3", "[1, 2]", "{a: 1}", "'q'", "-", "-1",
          "", " x ", "a\nb", "\\n", "jsön", "\udcff"]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_values_reach_the_command_as_typed(value: str, chosen: list[Run]) -> None:
    runs = [(["config", "set", "key", value], ("key", value), {}),
            (["config", "set", "key", "--", value], ("key", value), {}),
            (["config", "set", "--key", "key", f"--value={value}"], ("key", value), {}),
            (["validate", value, "--", value], ((value, value), "text"), {}),
            (["config", "get", "k", "-p", value], ("k", value), {}),
            (["init", "--name", value, f"--workers={value}", "-i", value],
             (), {"name": value, "workers": value, "image": value})]
    for args, expected_args, expected_kwargs in runs:
        assert main(args) == 0, args
        assert (chosen[-1].args, chosen[-1].kwargs) == (expected_args, expected_kwargs), args


@pytest.mark.parametrize(("args", "expected"), [
    (["validate", "--", "-weird.yaml", "--format", "--help", "--"],
     (("-weird.yaml", "--format", "--help", "--"), "text")),
    (["config", "set", "claude.args", "--", "--model"], ("claude.args", "--model")),
    (["config", "set", "workers", "--", "-1"], ("workers", "-1")),
    (["config", "show", "--", "-x"], ("-x", "yaml")),
])
def test_after_double_dash_every_word_is_positional(args: list[str], expected: tuple[object, ...],
                                                    chosen: list[Run]) -> None:
    assert main(args) == 0
    assert chosen[-1].args == expected


@pytest.mark.parametrize("words", COMMANDS, ids=IDS)
def test_each_method_hands_its_command_what_it_takes(words: tuple[str, ...]) -> None:
    method = _method(words)
    required = [p for p in inspect.signature(method).parameters.values()
                if p.default is p.empty and p.kind is not p.VAR_POSITIONAL]
    run = method(*["x"] * len(required))
    inspect.signature(run.command).bind(*run.args, **run.kwargs)


def test_program_and_group_help_list_every_command() -> None:
    for words in COMMANDS:
        assert f"\n     {words[-1]}\n" in help_text(words[:-1])
    top = help_text(())
    for group in ("config", "state"):
        assert f"\n     {group}\n       {inspect.getdoc(getattr(Isollm, group))}" in top


@pytest.mark.parametrize("words", [w for w in COMMANDS if "--format=FORMAT" in help_text(w)], ids=" ".join)
def test_every_format_a_command_offers_prints_something_of_its_own(words: tuple[str, ...], tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\nimage: ubuntu\n")  # valid, with a warning
    (tmp_path / ".isollm").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main([*words, "--format", "?"]) == 2
    choices = capsys.readouterr().err.split("must be one of: ")[1].split(" (got")[0].split(", ")
    assert all(choice in help_text(words) for choice in choices)
    printed = set()
    for choice in choices:
        assert main([*words, "--format", choice]) == 0
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        printed.add(out + err)
    assert len(printed) == len(choices)


def _imported(stderr: str) -> set[str]:
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


@pytest.mark.parametrize("args", [["validate"], ["config", "show", "--format", "json"], ["state", "show"],
                                  ["schema", "--path"]])
def test_commands_on_valid_files_start_without_jsonschema(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\nworkers: 3\n")
    result = subprocess.run([sys.executable, "-m", "isollm", *args], cwd=tmp_path, capture_output=True, text=True,
                            env=_env({"PYTHONPROFILEIMPORTTIME": "1"}), timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    imported = _imported(result.stderr)
    assert {"isollm", "fire"} <= imported  # the probe works; Fire reads every isollm command line
    assert "jsonschema" not in imported


def test_readme_spells_each_flag_as_help_does() -> None:
    """Each line of the README's usage block is a command with flags its --help shows, and every command has a line."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Usage", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    described = set()
    for line in block.splitlines():
        words = line.split("#")[0].split()
        assert words[0] == "isollm", line
        if words[1:] == ["--version"]:
            continue
        command = tuple(w for w in words[1:3] if w.isidentifier())
        command = command if command in COMMANDS else command[:1]
        described.add(command)
        shown = [spelling for spellings, _ in _shown_flags(help_text(command)) for spelling in spellings]
        for flag in re.findall(r"--[\w-]+", line):
            assert flag in shown, (line, flag, shown)
    assert described == set(COMMANDS)


def test_the_config_file_argument_has_one_name() -> None:
    for words in [("validate",), ("config", "show"), ("config", "get")]:
        assert "path" in inspect.signature(_method(words)).parameters, words
        assert "PATH" in help_text(words)
