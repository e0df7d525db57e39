"""Fields mean what the Go isollm means by them (issue 11).

Each point is checked three ways: through the API (``isollm.config``), through the CLI's
own ``main(argv)`` in this process, and through the pre-commit hook's ``main(argv)``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from isollm import config as cfg
from isollm.cli import hook, launch
from isollm.schema.loader import load_schema

SCHEMA = load_schema("config")


def run(main: Any, argv: list[str], cwd: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """(status, stdout, stderr) of an entry point's ``main(argv)``, run here in ``cwd``."""
    capsys.readouterr()
    with monkeypatch.context() as patch:
        patch.chdir(cwd)
        status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """``cli(*argv, cwd=...)``: the ``isollm`` console entry point, in-process."""
    return lambda *argv, cwd: run(launch.main, list(argv), cwd, capsys, monkeypatch)


@pytest.fixture
def hook_run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """``hook_run(*argv, cwd=...)``: the ``isollm-validate`` hook, in-process."""
    return lambda *argv, cwd: run(hook.main, list(argv), cwd, capsys, monkeypatch)


def write(directory: Path, text: str, name: str = "isollm.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(text: str) -> list[str]:
    return [issue.message for issue in cfg.parse_config_text(text).issues()]


SCRIPT = "project: demo\nsetup_script: |\n  # Runs once when container is created\n  npm install\n  cat <<-EOF\n  \tindented by a tab\n  EOF\n"


# --- config show writes a multi-line string as a | block ------------------------------------

@pytest.mark.parametrize("text", ["npm install\n", "a\nb", "a\n\n\nb\n\n", "  indented\nx\n", "\ttab\n\tx\n",
                                  "x\n\ty\n", "#!/bin/sh\nset -eu\n"])
def test_dump_writes_multi_line_strings_as_blocks_that_read_back(text: str) -> None:
    from isollm.io.yamlio import dump_yaml, parse_yaml

    dumped = dump_yaml({"setup_script": text})
    assert dumped.startswith("setup_script: |")
    assert parse_yaml(dumped).data == {"setup_script": text}


def test_config_show_prints_the_setup_script_as_a_block(tmp_path: Path, cli: Any) -> None:
    write(tmp_path, SCRIPT)
    status, out, _ = cli("config", "show", cwd=tmp_path)
    assert status == 0
    assert ("setup_script: |\n  # Runs once when container is created\n  npm install\n  cat <<-EOF\n"
            "  \tindented by a tab\n  EOF\n") in out
