"""The ``isollm`` command line, a thin Fire front over ``isollm.commands``."""

from __future__ import annotations

import sys
from typing import Sequence

from isollm.exits import guarded


class Cli:
    """isollm: configure and inspect an isollm project."""

    def validate(self, *paths: str, format: str = "text") -> None:  # noqa: A002
        """Validate config files (default: the project's isollm.yaml).

        Args:
          paths: Files to check.
          format: text (PATH:LINE:COL: error: MESSAGE), json or github.
        """
        from isollm.commands import validate

        raise SystemExit(guarded(lambda: validate.run([str(p) for p in paths], str(format))))


def main(argv: Sequence[str] | None = None) -> int:
    import fire

    try:
        fire.Fire(Cli, command=list(sys.argv[1:] if argv is None else argv), name="isollm")
    except fire.core.FireExit as exit_:
        return int(exit_.code or 0)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0
