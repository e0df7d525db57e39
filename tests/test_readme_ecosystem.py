"""The README's pre-commit snippets agree with the hook and schema they name."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from isollm import __version__
from isollm.schema.loader import load_schema

README = (REPO / "README.md").read_text(encoding="utf-8")
SNIPPETS = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(repos:.*?)```", README, re.DOTALL)]
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def _hooks(repo_part: str) -> list[dict[str, object]]:
    return [hook for snippet in SNIPPETS for repo in snippet["repos"] if repo_part in repo["repo"]
            for hook in repo["hooks"]]


def test_readme_has_both_snippets() -> None:
    assert _hooks("isollm-toolkit") and _hooks("check-jsonschema")


def test_our_hook_snippet_names_the_defined_hook() -> None:
    assert {hook["id"] for hook in _hooks("isollm-toolkit")} <= {hook["id"] for hook in HOOKS}


def test_check_jsonschema_snippet_uses_our_schema_class_and_files() -> None:
    (hook,) = _hooks("check-jsonschema")
    args = hook["args"]
    assert args[args.index("--schemafile") + 1] == load_schema("config")["$id"]
    module, _, name = args[args.index("--validator-class") + 1].partition(":")
    assert hasattr(importlib.import_module(module), name)
    assert hook["files"] == HOOKS[0]["files"]
    # The validator class of the release whose schema the URL names.
    assert hook["additional_dependencies"] == [f"isollm-toolkit=={__version__}"]


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="needs pre-commit")
@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_snippets_are_valid_pre_commit_configs(tmp_path: Path, index: int) -> None:
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(yaml.safe_dump(SNIPPETS[index]), encoding="utf-8")
    result = subprocess.run(["pre-commit", "validate-config", str(config)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="needs pre-commit")
def test_hook_definition_is_valid_for_pre_commit() -> None:
    result = subprocess.run(["pre-commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
