"""The issue's "done when": from an empty git repository to a validated, edited project and its
state, using only ``isollm`` (and its --help)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_empty_repository_to_inspected_project(isollm, tmp_path: Path) -> None:
    repo = tmp_path / "shop-api"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert "--workers" in isollm("init", "--help", cwd=repo).stdout

    steps = [isollm("init", "--workers", "2", cwd=repo)]
    assert steps[-1].returncode == 0, steps[-1].stderr
    ignored = subprocess.run(["git", "check-ignore", "-q", ".isollm/session.json"], cwd=repo)
    assert ignored.returncode == 0  # the state directory stays out of git

    steps.append(isollm("validate", cwd=repo))
    assert steps[-1].returncode == 0, steps[-1].stderr

    editor = tmp_path / "editor.py"
    editor.write_text("import sys\np = sys.argv[-1]\ntext = open(p).read()\n"
                      "open(p, 'w').write(text.replace('workers: 2', 'workers: 4  # more'))\n")
    steps.append(isollm("config", "edit", cwd=repo / ".isollm", env={"VISUAL": f"{sys.executable} {editor}"}))
    assert steps[-1].returncode == 0, steps[-1].stderr
    assert "workers: 4  # more" in (repo / "isollm.yaml").read_text()

    shown = isollm("config", "show", "--format", "json", cwd=repo)
    assert json.loads(shown.stdout)["workers"] == 4
    steps.append(shown)

    steps.append(isollm("state", "show", cwd=repo))
    assert steps[-1].stdout == "Session: none\nWorkers: none\n"
    steps.append(isollm("state", "check", cwd=repo))
    assert steps[-1].returncode == 0
    assert all("Traceback" not in step.stderr for step in steps)
