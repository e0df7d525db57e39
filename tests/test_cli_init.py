"""``isollm init`` as a user runs it: real directories, real subprocesses."""

from __future__ import annotations

import os
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from isollm.config import load_and_validate
from isollm.schema.loader import load_schema
from tests.pty_session import spawn_isollm

SCHEMA = load_schema("config")
MAX_WORKERS = SCHEMA["properties"]["workers"]["maximum"]


def _no_traceback(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def _nothing_written(directory: Path, gitignore_before: bytes | None = None) -> None:
    assert not (directory / "isollm.yaml").exists()
    assert not (directory / ".isollm").exists()
    gitignore = directory / ".gitignore"
    assert (gitignore.read_bytes() if gitignore.exists() else None) == gitignore_before


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "my-app"
    directory.mkdir()
    return directory


def test_defaults_come_from_the_schema_and_the_directory_name(isollm, project: Path) -> None:
    result = isollm("init", cwd=project)
    _no_traceback(result)
    assert result.returncode == 0, result.stderr
    config = load_and_validate(project)
    assert config.project == "my-app"
    assert config.workers == SCHEMA["properties"]["workers"]["default"]
    assert config.image == SCHEMA["properties"]["image"]["default"]
    assert (project / ".isollm").is_dir()
    assert (project / ".gitignore").read_text() == ".isollm/\n"
    text = (project / "isollm.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=.isollm/isollm.schema.json\n")
    assert (project / ".isollm" / "isollm.schema.json").is_file()
    assert "Created isollm.yaml" in result.stdout


def test_flags_set_the_values(isollm, project: Path) -> None:
    result = isollm("init", "--name", "demo", "--workers", "5", "--image", "images:debian/12", cwd=project)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((project / "isollm.yaml").read_text())
    assert (data["project"], data["workers"], data["image"]) == ("demo", 5, "images:debian/12")
    # As Go's init: airyra.project is not written (shown commented out); it defaults to the project.
    assert "project" not in data["airyra"] and load_and_validate(project).airyra.project == "demo"


def test_equals_form_and_shortcuts(isollm, project: Path) -> None:
    result = isollm("init", "--name=demo", "-w", "2", cwd=project)
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((project / "isollm.yaml").read_text())["workers"] == 2


@pytest.mark.parametrize("name", ["2024", "0x10", "fix#12", "", "../x", "a" * 65, "café", "a\nb",
                                  "[1,2]", "-x-", "a b", "x"], ids=lambda v: repr(v)[:20])
def test_hostile_names_are_refused_as_typed_and_nothing_is_written(isollm, project: Path, name: str) -> None:
    result = isollm("init", f"--name={name}", cwd=project)
    _no_traceback(result)
    assert result.returncode == 1, result.stdout
    assert "error: project name" in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) >= 1
    _nothing_written(project)


@pytest.mark.parametrize("name", ["True", "None", "fix-12", "A1"])
def test_names_fire_would_mangle_arrive_as_typed(isollm, project: Path, name: str) -> None:
    result = isollm("init", "--name", name, cwd=project)
    assert result.returncode == 0, result.stderr
    assert load_and_validate(project).project == name


@pytest.mark.parametrize("workers, message", [
    ("abc", "workers must be a whole number"),
    ("3.5", "workers must be a whole number"),
    ("True", "workers must be a whole number"),
    ("0x10", "workers must be a whole number"),
    ("1e1", "workers must be a whole number"),
    ("", "workers must be a whole number"),
    ("٣", "workers must be a whole number"),
    ("3\n", "workers must be a whole number"),
    ("0", "workers must be at least 1"),
    ("-1", "workers must be at least 1"),
    (str(MAX_WORKERS + 1), f"workers cannot exceed {MAX_WORKERS}"),
    ("9" * 5000, "workers"),
], ids=lambda v: repr(v)[:20])
def test_hostile_workers_get_the_schema_message(isollm, project: Path, workers: str, message: str) -> None:
    result = isollm("init", f"--workers={workers}", cwd=project)
    _no_traceback(result)
    assert result.returncode == 1
    assert f"error: {message}" in result.stderr
    _nothing_written(project)


@pytest.mark.parametrize("workers, expected", [("3", 3), ("20", 20), ("+4", 4), ("07", 7)])
def test_whole_numbers_are_accepted(isollm, project: Path, workers: str, expected: int) -> None:
    result = isollm("init", "--workers", workers, cwd=project)
    assert result.returncode == 0, result.stderr
    assert load_and_validate(project).workers == expected


@pytest.mark.parametrize("image", ["", "a b", "img\n:1", "ubuntu:", "fix#12", "ubuntu:24.04\u200b"])
def test_hostile_images_are_refused(isollm, project: Path, image: str) -> None:
    result = isollm("init", f"--image={image}", cwd=project)
    _no_traceback(result)
    assert result.returncode == 1, result.stdout
    assert "image" in result.stderr
    _nothing_written(project)


def test_image_without_tag_is_a_warning_not_an_error(isollm, project: Path) -> None:
    result = isollm("init", "--image", "ubuntu", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "warning: image has no tag" in result.stderr


def test_all_problems_are_reported_at_once(isollm, project: Path) -> None:
    result = isollm("init", "--name", "1x", "--workers", "99", cwd=project)
    assert result.returncode == 1
    assert "project name must be alphanumeric" in result.stderr
    assert f"workers cannot exceed {MAX_WORKERS}" in result.stderr


def test_invalid_directory_name_suggests_name_flag(isollm, tmp_path: Path) -> None:
    directory = tmp_path / "My Project"
    directory.mkdir()
    result = isollm("init", cwd=directory)
    assert result.returncode == 1
    assert "'My Project' is not a valid project name" in result.stderr
    assert "--name" in result.stderr
    _nothing_written(directory)
    assert isollm("init", "--name", "my-project", cwd=directory).returncode == 0


def test_refuses_to_overwrite(isollm, project: Path) -> None:
    (project / "isollm.yaml").write_text("project: keep-me\n")
    result = isollm("init", "--name", "other", cwd=project)
    assert result.returncode == 1
    assert "already exists" in result.stderr
    assert (project / "isollm.yaml").read_text() == "project: keep-me\n"
    assert not (project / ".gitignore").exists()


@pytest.mark.parametrize("before, after", [
    (b"node_modules/", b"node_modules/\n.isollm/\n"),
    (b"node_modules/\n", b"node_modules/\n.isollm/\n"),
    (b"a\r\nb\r\n", b"a\r\nb\r\n.isollm/\r\n"),
    (b"a\r\nb", b"a\r\nb\r\n.isollm/\r\n"),
    (b"", b".isollm/\n"),
    (b".isollm\n", b".isollm\n"),
    (b".isollm/\n", b".isollm/\n"),
    (b"/.isollm/\n", b"/.isollm/\n"),
    (b"x\n/.isollm", b"x\n/.isollm"),
    (b"  .isollm/  \r\n", b"  .isollm/  \r\n"),
    (b"# .isollm/\n", b"# .isollm/\n.isollm/\n"),
    (b".isollm-old/\n", b".isollm-old/\n.isollm/\n"),
])
def test_gitignore_gets_the_entry_exactly_once(isollm, project: Path, before: bytes, after: bytes) -> None:
    (project / ".gitignore").write_bytes(before)
    result = isollm("init", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / ".gitignore").read_bytes() == after


def test_invalid_value_leaves_existing_gitignore_alone(isollm, project: Path) -> None:
    (project / ".gitignore").write_bytes(b"build/")
    result = isollm("init", "--workers", "0", cwd=project)
    assert result.returncode == 1
    _nothing_written(project, b"build/")


def test_init_then_validate_and_show(isollm, project: Path) -> None:
    assert isollm("init", "--name", "demo", cwd=project).returncode == 0
    validated = isollm("validate", cwd=project)
    assert validated.returncode == 0, validated.stderr
    shown = isollm("config", "show", "--format", "json", cwd=project)
    assert json.loads(shown.stdout)["project"] == "demo"


def test_prompts_on_a_terminal(project: Path) -> None:
    pexpect, child = spawn_isollm("init", cwd=project)
    child.expect(r"Project name \[my-app\]: ")
    child.sendline("")
    child.expect(r"Workers \[3\]: ")
    child.sendline("abc")
    child.expect("workers must be a whole number")
    child.expect(r"Workers \[3\]: ")
    child.sendline("4")
    child.expect(r"Container image \[ubuntu:24.04\]: ")
    child.sendline("images:debian/12")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    config = load_and_validate(project)
    assert (config.project, config.workers, config.image) == ("my-app", 4, "images:debian/12")


def test_prompts_skip_flags_and_end_of_input_aborts(project: Path) -> None:
    pexpect, child = spawn_isollm("init", "--name", "demo", cwd=project)
    child.expect(r"Workers \[3\]: ")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "aborted" in child.before
    _nothing_written(project)


def test_state_dir_in_the_way_writes_nothing(isollm, project: Path) -> None:
    (project / ".isollm").write_text("not a directory")
    result = isollm("init", cwd=project)
    assert result.returncode == 1
    assert "is not a directory" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "isollm.yaml").exists() and not (project / ".gitignore").exists()


def test_existing_state_dir_is_kept(isollm, project: Path) -> None:
    (project / ".isollm" / "workers").mkdir(parents=True)
    assert isollm("init", cwd=project).returncode == 0
    assert (project / ".isollm" / "workers").is_dir()


def test_unwritable_gitignore_is_a_warning(isollm, project: Path) -> None:
    (project / ".gitignore").mkdir()
    result = isollm("init", cwd=project)
    assert result.returncode == 0
    assert "warning: could not update .gitignore" in result.stderr
    assert (project / "isollm.yaml").exists()


def test_no_prompts_without_a_terminal(isollm, project: Path) -> None:
    result = isollm("init", cwd=project, input="other-name\n7\n")
    assert result.returncode == 0, result.stderr
    assert "Project name" not in result.stdout + result.stderr
    assert load_and_validate(project).project == "my-app"


def test_init_with_a_fifo_gitignore_warns_instead_of_hanging(isollm, tmp_path: Path) -> None:
    root = tmp_path / "demo"
    root.mkdir()
    os.mkfifo(root / ".gitignore")
    result = isollm("init", cwd=root, timeout=20)
    assert result.returncode == 0, result.stderr
    assert "warning: could not update .gitignore" in result.stderr
    assert (root / "isollm.yaml").is_file()


@pytest.mark.parametrize("target", ["outside", "dangling"])
def test_a_gitignore_symlink_is_not_followed_as_git_does_not(isollm, project: Path, tmp_path: Path,
                                                             target: str) -> None:
    # git (since 2.32) does not read a .gitignore that is a symlink; init does not write through one.
    elsewhere = tmp_path / "elsewhere.txt"
    if target == "outside":
        elsewhere.write_bytes(b"someone else's file\n")
    (project / ".gitignore").symlink_to(elsewhere)
    result = isollm("init", cwd=project)
    _no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert ("warning: .gitignore is a symbolic link, which git does not follow; left unchanged "
            "(add .isollm/ to a regular .gitignore yourself)") in result.stderr
    assert (project / ".gitignore").is_symlink()
    if target == "outside":
        assert elsewhere.read_bytes() == b"someone else's file\n"
    else:
        assert not os.path.lexists(elsewhere)
    assert (project / "isollm.yaml").is_file()


@pytest.mark.parametrize("kind", ["dangling-symlink", "directory"])
def test_anything_named_isollm_yaml_counts_as_existing(isollm, project: Path, tmp_path: Path, kind: str) -> None:
    path = project / "isollm.yaml"
    if kind == "dangling-symlink":
        path.symlink_to(tmp_path / "nowhere.yaml")
    else:
        path.mkdir()
    result = isollm("init", "--name", "demo", cwd=project)
    _no_traceback(result)
    assert result.returncode == 1
    assert "isollm.yaml already exists" in result.stderr
    assert not os.path.lexists(tmp_path / "nowhere.yaml")
    assert not (project / ".isollm").exists() and not (project / ".gitignore").exists()


def test_a_planted_state_dir_symlink_is_refused(isollm, project: Path, tmp_path: Path) -> None:
    (project / ".isollm").symlink_to(tmp_path / "nowhere")
    result = isollm("init", "--name", "demo", cwd=project)
    _no_traceback(result)
    assert result.returncode == 1
    assert ".isollm: is a symbolic link; refusing to keep state through it" in result.stderr
    assert not os.path.lexists(tmp_path / "nowhere") and not (project / "isollm.yaml").exists()


def _take_the_default_workers_and_image(pexpect: Any, child: Any) -> None:
    """Answer init's last two prompts with their defaults, then wait for it to end."""
    for prompt in (r"Workers \[3\]: ", r"Container image \[ubuntu:24.04\]: "):
        child.expect(prompt)
        child.sendline("")
    child.expect(pexpect.EOF)
    child.close()


def test_a_config_that_appears_during_the_prompts_is_never_replaced(project: Path) -> None:
    # A `git pull` in another terminal brings isollm.yaml while init is asking its questions.
    pexpect, child = spawn_isollm("init", cwd=project)
    child.expect(r"Project name \[my-app\]: ")
    (project / "isollm.yaml").write_text("project: pulled\n")
    child.sendline("")
    _take_the_default_workers_and_image(pexpect, child)
    assert child.exitstatus == 1, child.before
    assert "isollm.yaml appeared while init was running; it was left as it is" in child.before
    assert (project / "isollm.yaml").read_text() == "project: pulled\n"
    assert not (project / ".gitignore").exists()


def test_prompt_says_why_the_directory_name_is_no_default(tmp_path: Path) -> None:
    directory = tmp_path / "My Project"
    directory.mkdir()
    pexpect, child = spawn_isollm("init", cwd=directory)
    child.expect("no default project name: the directory name 'My Project' cannot be one "
                 r"\(project name must be alphanumeric with hyphens, starting with a letter\)")
    child.expect(r"Project name: ")
    child.sendline("my-project")
    _take_the_default_workers_and_image(pexpect, child)
    assert child.exitstatus == 0, child.before
    assert load_and_validate(directory).project == "my-project"
