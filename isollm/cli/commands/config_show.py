"""``isollm config show``: the resolved config (defaults filled in), problems on stderr."""

from __future__ import annotations

import math
import os
import sys
from typing import Any

from isollm.cli.commands._common import STDIN, config_path_argument, load_and_report
from isollm.cli.report import STDIN_NAME
from isollm.errors import printable_path
from isollm.io.yamlio import dump_yaml
from isollm.util.oneline import json_text


def run(path: str | None = None, output_format: str = "yaml") -> int:
    """Show the config ``path`` names (a file, a directory's isollm.yaml, ``-`` for standard
    input; by default the project's)."""
    path = config_path_argument(path)
    config = load_and_report(path)  # keeps the editor's schema copy beside the config current
    if config is None:
        return 1
    resolved = config.to_dict()
    if output_format == "json":
        print(json_text(_json_safe(resolved)))
    else:
        # The path is escaped: a line break in it would end the comment and break the YAML.
        header = STDIN_NAME if path == STDIN else printable_path(os.path.abspath(path))
        sys.stdout.write(f"# Configuration: {header}\n# (defaults applied for missing values)\n\n")
        sys.stdout.write(dump_yaml(resolved))
    return 0


def _json_safe(value: Any) -> Any:
    """``value`` with .inf and .nan (valid YAML, not JSON) written as the YAML text."""
    if isinstance(value, float) and not math.isfinite(value):
        return dump_yaml(value).split("\n")[0]
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value
