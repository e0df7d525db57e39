"""``isollm-validate``: the pre-commit hook's entry point.

It imports neither Fire nor jsonschema on the happy path (together ~120 ms),
so a commit that touches a valid ``isollm.yaml`` pays for little more than
reading it.
"""

from __future__ import annotations

import sys
from typing import Sequence

from isollm.cli.exits import EXIT_USAGE, guarded

USAGE = """usage: isollm-validate [--format text|json|github] [PATH ...]

Validate isollm config files (default: the project's isollm.yaml) and print
PATH:LINE:COL: error: MESSAGE for every problem. Exit 0 when all are valid,
1 when any is invalid or unreadable, 2 on a usage error."""


def _parse(argv: Sequence[str]) -> tuple[list[str], str] | int:
    paths: list[str] = []
    output_format = "text"
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("-h", "--help"):
            print(USAGE)
            return 0
        if arg == "--":
            paths.extend(args)
            break
        if arg.startswith("--format"):
            if "=" in arg:
                output_format = arg.split("=", 1)[1]
            elif args:
                output_format = args.pop(0)
            else:
                print("error: --format needs a value: text, json or github", file=sys.stderr)
                return EXIT_USAGE
        elif arg.startswith("-") and arg != "-":
            print(f"error: unknown option {arg}\n{USAGE.splitlines()[0]}", file=sys.stderr)
            return EXIT_USAGE
        else:
            paths.append(arg)
    return paths, output_format


def main(argv: Sequence[str] | None = None) -> int:
    parsed = _parse(sys.argv[1:] if argv is None else argv)
    if isinstance(parsed, int):
        return parsed
    paths, output_format = parsed
    from isollm.cli.commands import validate

    return guarded(lambda: validate.run(paths, output_format, quiet_valid=True))


if __name__ == "__main__":
    raise SystemExit(main())
