"""docs/cli.md describes ``isollm validate --format json`` as the program prints it."""

from __future__ import annotations

import glob
import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import EXAMPLES, REPO
from isollm.cli.launch import main
from isollm.cli.report import check_config_file
from isollm.schema.loader import load_schema

PAGE = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
TOOLKIT_KEYWORDS = {"load", "duplicateKey", "warning", "modeline", "leadingZero", "fileName", "leftOut"}


def _section(title: str) -> str:
    match = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#+ |\Z)", PAGE, re.MULTILINE | re.DOTALL)
    assert match, f"no section {title!r} in docs/cli.md"
    return match.group(1)


def _first_column(title: str) -> list[str]:
    """The first cell of each row of the section's table, without backticks."""
    rows = [line for line in _section(title).splitlines() if line.startswith("| ")]
    return [row.split("|")[1].strip().strip("`") for row in rows[1:] if not row.startswith("| ---")]


def _fields(value: Any, prefix: str = "") -> Iterator[str]:
    """Every field of a JSON value as the table names it: ``files[].errors[].line``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield prefix + key
            yield from _fields(item, prefix + key + ".")
    elif isinstance(value, list):
        for item in value:
            yield from _fields(item, prefix[:-1] + "[].")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The page's example file, in a directory of its own."""
    (config,) = re.findall(r"```yaml\n(.*?)```", PAGE, re.DOTALL)
    (tmp_path / "isollm.yaml").write_text(config, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_example_is_what_validate_prints(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    command = re.search(r"`isollm validate --format json ([^`[]*)` prints \(and exits 1\)", PAGE)
    assert command
    status, out, _ = _run(capsys, "validate", "--format", "json", *command.group(1).split())
    (documented,) = re.findall(r"```json\n(.*?)```", PAGE, re.DOTALL)
    assert json.loads(out) == json.loads(documented)
    assert status == 1


def test_the_field_table_names_every_field_printed_and_no_other(
        example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "validate", "--format", "json", "isollm.yaml")
    assert sorted(set(_fields(json.loads(out)))) == sorted(_first_column("Fields"))


def test_every_keyword_printed_is_documented_and_every_documented_one_exists() -> None:
    documented = set(_first_column("`keyword`"))
    found = {issue.keyword for path in glob.glob(str(EXAMPLES / "**" / "*.yaml"), recursive=True)
             for report in [check_config_file(path)] for issue in report.errors + report.warnings}
    assert found - documented == set(), "keywords printed but not in docs/cli.md"
    schema_text = json.dumps(load_schema("config"))
    for keyword in documented - TOOLKIT_KEYWORDS:
        assert f'"{keyword}"' in schema_text, f"docs/cli.md names {keyword}, which the schema does not use"


def test_the_exit_statuses_are_the_documented_ones(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _first_column("Exit status") == ["0", "1", "2"]
    (example / "valid.yaml").write_text("project: demo\n", encoding="utf-8")
    assert _run(capsys, "validate", "--format", "json", "valid.yaml")[0] == 0
    assert _run(capsys, "validate", "--format", "json", "isollm.yaml")[0] == 1
    status, out, err = _run(capsys, "validate", "--format", "xml")
    assert (status, out) == (2, "") and err.startswith("error:") and len(err.splitlines()) == 1
