"""``isollm config show``: the resolved config (defaults filled in), problems on stderr.

It prints whatever it could read, valid or not, and exits 0; only a file that
cannot be read as a config at all exits 1. On a valid file it never imports
jsonschema (see ``isollm.schema.check``).
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from isollm.cli.commands._common import check_choice, display_path, print_issues, project_root
from isollm.config import CONFIG_FILE_NAME, load_file
from isollm.errors import ConfigError, printable_path
from isollm.io.yamlio import dump_yaml

CONFIG_FORMATS = ("yaml", "json")


def run(output_format: str = "yaml") -> int:
    check_choice("--format", output_format, CONFIG_FORMATS)
    root = project_root()
    path = root / CONFIG_FILE_NAME
    shown = display_path(path)
    try:
        config = load_file(path)
    except ConfigError as error:
        print_issues(shown, error.issues)
        return 1
    print_issues(shown, config.issues(), config.warning_issues())
    resolved = config.to_dict()
    if output_format == "json":
        print(json.dumps(_json_safe(resolved), indent=2, ensure_ascii=False))
    else:
        # The path is escaped: a line break in it would end the comment and break the YAML.
        sys.stdout.write(f"# Configuration: {printable_path(str(path))}\n# (defaults applied for missing values)\n\n")
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
