"""The editor's schema copy, ``.isollm/isollm.schema.json``: written by init, kept current by the
commands that find the project and by validate (so the hook), never through a link, never fatal.

Commands run in this process through the console entry's ``main(argv)``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from isollm.cli.hook import main as hook_main
from isollm.cli.launch import main as isollm_main
from isollm.config import SCHEMA_COPY
from isollm.schema.loader import schema_bytes, schema_path

MODELINE = f"# yaml-language-server: $schema={SCHEMA_COPY}\n"
OLD_MODELINE = ("# yaml-language-server: $schema="
                "https://raw.githubusercontent.com/isollm/isollm-toolkit/main/schemas/isollm.schema.json\n")
INSTALLED = schema_path("config").read_bytes()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.delenv("VISUAL", raising=False)
    return root


def _init(project: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert isollm_main(["init", "--name", "demo"]) == 0
    return capsys.readouterr().out


def test_the_copy_is_the_installed_schema_byte_for_byte() -> None:
    assert schema_bytes("config") == INSTALLED


def test_init_names_the_copy_by_a_relative_path_and_writes_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _init(project, capsys)
    text = (project / "isollm.yaml").read_text()
    assert text.startswith(MODELINE)
    assert str(project) not in text and "http" not in text.splitlines()[0]  # portable: no machine's path, no URL
    assert (project / SCHEMA_COPY).read_bytes() == INSTALLED
    # What a teammate who clones must do, said where the user sees it.
    assert SCHEMA_COPY in out and "isollm validate" in out and "clon" in out
    assert (project / ".gitignore").read_text() == ".isollm/\n"  # the copy is never committed


@pytest.mark.parametrize("command", [["validate"], ["config", "show"], ["config", "edit"], ["state", "show"],
                                     ["state", "check"], ["state", "clean"]])
def test_a_fresh_clone_gets_the_copy_from_one_command(project: Path, capsys: pytest.CaptureFixture[str],
                                                      command: list[str]) -> None:
    _init(project, capsys)
    (project / SCHEMA_COPY).unlink()
    (project / ".isollm").rmdir()  # as after `git clone`: .isollm/ is ignored
    (project / "sub").mkdir()
    os.chdir(project / "sub")
    isollm_main(command)
    assert (project / SCHEMA_COPY).read_bytes() == INSTALLED
    assert "warning" not in capsys.readouterr().err


def test_the_hook_refreshes_a_stale_copy(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _init(project, capsys)
    (project / SCHEMA_COPY).write_text('{"an": "older schema"}')
    os.chdir(project.parent)
    assert hook_main(["app/isollm.yaml"]) == 0
    assert (project / SCHEMA_COPY).read_bytes() == INSTALLED
    assert capsys.readouterr().err == ""


def test_a_current_copy_is_not_rewritten(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _init(project, capsys)
    before = os.stat(project / SCHEMA_COPY)
    assert isollm_main(["validate"]) == 0
    after = os.stat(project / SCHEMA_COPY)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_an_invalid_config_still_gets_its_copy(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The editor helps most while the file is wrong.
    (project / "isollm.yaml").write_text(MODELINE + "project: demo\nworkers: 99\n")
    assert isollm_main(["validate"]) == 1
    assert (project / SCHEMA_COPY).read_bytes() == INSTALLED


@pytest.mark.parametrize("head", ["", "# yaml-language-server: $schema=../schemas/isollm.schema.json\n", OLD_MODELINE,
                                  "project: demo\n" + MODELINE])  # after content the modeline does not count
def test_a_config_that_does_not_name_the_copy_gets_none(project: Path, capsys: pytest.CaptureFixture[str],
                                                        head: str) -> None:
    body = "project: demo\n" if not head.startswith("project") else ""
    (project / "isollm.yaml").write_text(head + body)
    assert isollm_main(["validate"]) == 0
    assert isollm_main(["config", "show"]) == 0
    assert not (project / ".isollm").exists()


@pytest.mark.parametrize("head", ["%YAML 1.1\n---\n# my project\n" + MODELINE,
                                  MODELINE.replace("=", "=./"), MODELINE.replace("# ", "#\t")])
def test_every_header_spelling_the_server_honours_counts(project: Path, capsys: pytest.CaptureFixture[str],
                                                         head: str) -> None:
    (project / "isollm.yaml").write_text(head + "project: demo\n")
    assert isollm_main(["validate"]) == 0
    assert (project / SCHEMA_COPY).read_bytes() == INSTALLED


def test_a_linked_state_directory_is_not_written_through(project: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".isollm").symlink_to(elsewhere)
    (project / "isollm.yaml").write_text(MODELINE + "project: demo\n")
    assert isollm_main(["validate"]) == 0  # a warning, never a failure
    assert list(elsewhere.iterdir()) == []
    err = capsys.readouterr().err
    assert f"{SCHEMA_COPY}: warning: the editor's schema copy was not refreshed: .isollm is a symbolic link" in err


def test_a_link_at_the_copy_is_replaced_not_followed(project: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (project / ".isollm").mkdir()
    (project / SCHEMA_COPY).symlink_to(victim)
    (project / "isollm.yaml").write_text(MODELINE + "project: demo\n")
    assert isollm_main(["validate"]) == 0
    assert victim.read_text() == "keep me"
    assert not (project / SCHEMA_COPY).is_symlink() and (project / SCHEMA_COPY).read_bytes() == INSTALLED


@pytest.mark.parametrize("command", [["validate"], ["config", "show"]])
def test_a_copy_that_cannot_be_written_is_a_warning(project: Path, capsys: pytest.CaptureFixture[str],
                                                    command: list[str]) -> None:
    (project / ".isollm").write_text("a file where the directory should be")
    (project / "isollm.yaml").write_text(MODELINE + "project: demo\n")
    assert isollm_main(command) == 0
    err = capsys.readouterr().err
    assert err.splitlines() == [f"{SCHEMA_COPY}: warning: the editor's schema copy was not refreshed: "
                                ".isollm is not a directory"]


def test_the_unpublished_url_of_older_inits_is_a_warning_on_its_line(project: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (project / "isollm.yaml").write_text("# my project\n" + OLD_MODELINE + "project: demo\n")
    assert isollm_main(["validate"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("isollm.yaml:2:1: warning: the schema line names https://raw.githubusercontent.com/")
    assert f"'# yaml-language-server: $schema={SCHEMA_COPY}'" in err
    assert (project / "isollm.yaml").read_text().count(OLD_MODELINE) == 1  # the user's file is left alone
