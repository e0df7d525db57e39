"""Every config the Go isollm's Validate() accepts passes here: API, CLI and hook.

The files in tests/examples/go are copied byte for byte from the Go isollm's docs and
tests (their sources are in that folder's README). The fragments (no project) fail
with the messages recorded beside them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import dependencies

from isollm import config as cfg
from tests.inprocess import HOOK, LAUNCH, run

GO = Path(__file__).resolve().parent / "examples" / "go"
VALID = ["cli-spec-init-example.yaml", "cli-spec-config-reference.yaml", "test-loadandvalidate-valid.yaml"]
FRAGMENTS = ["cli-spec-upstream-snippet.yaml", "plan-zellij-terminal-snippet.yaml"]


def test_every_go_example_is_here() -> None:
    assert sorted(p.name for p in GO.glob("*.yaml")) == sorted(VALID + FRAGMENTS)


@pytest.mark.parametrize("name", VALID)
def test_go_valid_configs_pass_the_api(name: str) -> None:
    config = cfg.load_file(GO / name)
    assert config.issues() == []
    config.validate()


@pytest.mark.parametrize("name", VALID)
def test_go_valid_configs_pass_the_cli_and_the_hook(name: str) -> None:
    assert run(LAUNCH, "validate", name, cwd=GO) == (0, f"{name}: valid\n", "")
    assert run(HOOK, name, cwd=GO) == (0, "", "")


@pytest.mark.parametrize("name", FRAGMENTS)
def test_go_fragments_fail_only_as_recorded(name: str) -> None:
    expected = [f"{name}:{line}" for line in (GO / name).with_suffix(".errors.txt").read_text().splitlines()]
    assert "project name is required" in [i.message for i in cfg.load_file(GO / name).issues()]
    status, out, err = run(LAUNCH, "validate", name, cwd=GO)
    assert (status, out, err.splitlines()) == (1, "", expected)
    assert run(HOOK, name, cwd=GO) == (1, "", err)


def test_go_configs_load_the_values_go_loads() -> None:
    """The values Go's Load gives (verified by running it), where this toolkit reads the same."""
    init = cfg.load_file(GO / "cli-spec-init-example.yaml")
    assert (init.ports, init.claude.args, init.git.upstream) == (["3000", "8080"], [], None)
    reference = cfg.load_file(GO / "cli-spec-config-reference.yaml")
    assert reference.setup_script == "# Runs once when container is created\nnpm install\n"
    assert reference.ports == ["3000", "8080:8000"]
    assert (reference.git.upstream, reference.airyra.project) == ("origin", "my-project")
    test = cfg.load_file(GO / "test-loadandvalidate-valid.yaml")
    assert (test.project, test.workers, test.airyra.host, test.airyra.port) == ("myproject", 3, "localhost", 7432)


@dependencies.program("check-jsonschema")
def test_plain_check_jsonschema_accepts_the_go_valid_configs_too() -> None:
    import subprocess

    schema = GO.parent.parent.parent / "schemas" / "isollm.schema.json"
    result = subprocess.run(["check-jsonschema", "--schemafile", str(schema), *(str(GO / n) for n in VALID)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
