"""A new config field and a new format, added only where the README says they go, work end to end.

A copy of the package and its schemas gets a field (``notes``: the schema alone) and a custom
format (``isollm-even``: one function and one ``FORMAT_CHECKS`` entry in ``schema/formats.py``,
used by a new ``git.shards`` field). Nothing else changes, and the API, the CLI and the hook all
enforce both, with the messages the schema gives.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

FORMAT = '''

def is_even(value: object) -> bool:
    """An even whole number (the extension test's format)."""
    if isinstance(value, int) and value % 2:
        raise ValueError("is odd")
    return True


FORMAT_CHECKS["isollm-even"] = (is_even, ())
'''


def _extended_copy(root: Path) -> dict[str, str]:
    shutil.copytree(REPO / "isollm", root / "isollm", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "schemas", root / "schemas")
    schema_file = root / "schemas" / "isollm.schema.json"
    schema = json.loads(schema_file.read_text())
    schema["properties"]["notes"] = {
        "description": "Free text for people.", "type": "string", "maxLength": 5,
        "x-messages": {"maxLength": "notes cannot exceed {maxLength} characters"}}
    schema["properties"]["git"]["properties"]["shards"] = {
        "description": "An even number of shards.", "type": "integer", "format": "isollm-even",
        "x-messages": {"format": "git.shards must be even: {instance} {reason}"}}
    schema_file.write_text(json.dumps(schema, indent=2))
    with open(root / "isollm" / "schema" / "formats.py", "a", encoding="utf-8") as formats:
        formats.write(FORMAT)
    return {**os.environ, "PYTHONPATH": str(root)}


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_a_new_field_and_a_new_format_reach_the_api_the_cli_and_the_hook(tmp_path: Path) -> None:
    env = _extended_copy(tmp_path / "pkg")
    project = tmp_path / "project"
    project.mkdir()
    (project / "isollm.yaml").write_text("project: demo\nnotes: too long\ngit:\n  shards: 3\n")
    expected = ["isollm.yaml:2:8: error: notes cannot exceed 5 characters",
                "isollm.yaml:4:11: error: git.shards must be even: 3 is odd"]

    api = _run(["-c", "import isollm.config as c\nfor i in c.load('.').issues(): print(i.line, i.column, i.message)"],
               project, env)
    assert api.stdout.splitlines() == ["2 8 notes cannot exceed 5 characters",
                                       "4 11 git.shards must be even: 3 is odd"], api.stderr
    cli = _run(["-m", "isollm", "validate"], project, env)
    assert (cli.returncode, cli.stderr.splitlines()) == (1, expected)
    hook = _run(["-m", "isollm.cli.hook", "isollm.yaml"], project, env)
    assert (hook.returncode, hook.stderr.splitlines()) == (1, expected)

    (project / "isollm.yaml").write_text("project: demo\nnotes: ok\ngit:\n  shards: 4\n")
    assert _run(["-m", "isollm", "validate"], project, env).returncode == 0
    # The editor's schema is the same file: `isollm schema` prints the new field.
    printed = json.loads(_run(["-m", "isollm", "schema"], project, env).stdout)
    assert printed["properties"]["notes"]["maxLength"] == 5
