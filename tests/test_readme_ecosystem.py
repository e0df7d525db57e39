"""The README's pre-commit snippets agree with the hook and schema they name."""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from tests import dependencies
from isollm import __version__
from isollm.schema.loader import load_schema

README = (REPO / "README.md").read_text(encoding="utf-8")
SNIPPETS = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(repos:.*?)```", README, re.DOTALL)]
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


CLONE = "/path/to/isollm-toolkit"  # the README's name for a clone of this repository


def _repos(repo: str) -> list[dict[str, object]]:
    """The snippets' repository entries whose ``repo`` contains ``repo``."""
    return [entry for snippet in SNIPPETS for entry in snippet["repos"] if repo in entry["repo"]]


def _hooks(repo: str) -> list[dict[str, object]]:
    return [hook for entry in _repos(repo) for hook in entry["hooks"]]  # type: ignore[attr-defined]


def _local_hook(entry: str) -> dict[str, object]:
    (hook,) = [hook for hook in _hooks("local") if hook["entry"] == entry]
    return hook


def test_readme_has_every_recipe() -> None:
    """Today's (a clone: by path and commit, or a local hook) and the released ones (tags)."""
    assert _hooks("github.com/isollm/isollm-toolkit") and _hooks(CLONE)
    assert _local_hook("isollm-validate") and _local_hook("check-jsonschema")
    assert _hooks("github.com/python-jsonschema/check-jsonschema")
    assert f"pre-commit try-repo {CLONE} isollm-validate --files isollm.yaml" in README
    # A recipe for today never names something unpublished.
    (by_path,) = _repos(CLONE)
    assert re.fullmatch(r"[0-9a-f]{40}", str(by_path["rev"]))


def test_our_hook_snippet_names_the_defined_hook() -> None:
    for repo in ("github.com/isollm/isollm-toolkit", CLONE):
        assert {hook["id"] for hook in _hooks(repo)} <= {hook["id"] for hook in HOOKS}
    local = _local_hook("isollm-validate")
    assert (local["id"], local["entry"], local["files"]) == (HOOKS[0]["id"], HOOKS[0]["entry"], HOOKS[0]["files"])
    assert local["language"] == "system"


@pytest.mark.parametrize("released", [True, False])
def test_check_jsonschema_snippet_uses_our_schema_class_and_files(released: bool) -> None:
    if released:
        (hook,) = _hooks("check-jsonschema")
    else:
        hook = _local_hook("check-jsonschema")
    args = hook["args"]
    schemafile = args[args.index("--schemafile") + 1]
    if released:
        assert schemafile == load_schema("config")["$id"]
        assert hook["additional_dependencies"] == [f"isollm-toolkit=={__version__}"]
    else:
        assert schemafile.startswith(CLONE + "/")
        assert (REPO / schemafile.removeprefix(CLONE + "/")).is_file()
        assert hook["additional_dependencies"] == ["check-jsonschema", CLONE]
    module, _, name = args[args.index("--validator-class") + 1].partition(":")
    assert hasattr(importlib.import_module(module), name)
    # Plain check-jsonschema cannot say "rename isollm.yml": it checks the one name isollm reads.
    assert re.search(hook["files"], "services/api/isollm.yaml") and re.search(HOOKS[0]["files"], "isollm.yaml")
    assert not re.search(hook["files"], "isollm.yml") and re.search(HOOKS[0]["files"], "a/isollm.yml")


@dependencies.program("pre-commit")
@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_snippets_are_valid_pre_commit_configs(tmp_path: Path, index: int) -> None:
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(yaml.safe_dump(SNIPPETS[index]), encoding="utf-8")
    result = subprocess.run(["pre-commit", "validate-config", str(config)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@dependencies.program("pre-commit")
def test_hook_definition_is_valid_for_pre_commit() -> None:
    result = subprocess.run(["pre-commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_our_hook_snippet_pins_the_tag_of_this_version() -> None:
    import isollm

    (repo,) = _repos("github.com/isollm/isollm-toolkit")
    assert repo["rev"] == "v" + isollm.__version__
    assert f"the tag `v{isollm.__version__}` on GitHub, not published yet" in README
    assert "isollm.__version__" in README  # and the README says how to pick the tag


def _shell_blocks_running(command: str) -> list[str]:
    return [block for block in re.findall(r"```sh\n(.*?)```", README, re.DOTALL) if command in block]


@dependencies.program("check-jsonschema")
def test_check_jsonschema_examples_work_for_an_installed_user(tmp_path: Path) -> None:
    """The README's commands, run by a shell from a project directory, with ``isollm`` on PATH."""
    import os
    import sys

    blocks = _shell_blocks_running("check-jsonschema --schemafile")
    assert len(blocks) == 2 and all('"$(isollm schema --path)"' in block for block in blocks)
    plain, with_class = sorted(blocks, key=len)
    assert "--validator-class isollm.validator:IsollmValidator" in with_class
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "isollm").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m isollm "$@"\n')
    (bin_dir / "isollm").chmod(0o755)
    project = tmp_path / "project"
    project.mkdir()
    # Valid for standard keywords; only the validator class sees the duplicate host port.
    (project / "isollm.yaml").write_text("project: demo\nports: ['3000', '3000:80']\n")
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))

    def run(block: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-c", block], cwd=project, env=env, capture_output=True, text=True,
                              timeout=120)

    assert run(plain).returncode == 0
    result = run(with_class)
    assert result.returncode == 1 and "duplicate port: 3000" in result.stdout + result.stderr


def test_config_api_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    section = README.split("## Config API", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    (tmp_path / "isollm.yaml").write_text("# ours\nproject: demo  # the name\n")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    assert capsys.readouterr().out == "3 main 7432\n"
    assert (tmp_path / "isollm.yaml").read_text() == \
        "# ours\nproject: demo  # the name\nworkers: 5\nports:\n  - '3000'\n  - 8080:80\n"
