"""``isollm-validate``: the pre-commit hook's entry point.

It is ``isollm validate`` without the ``PATH: valid`` lines: the same grammar,
the same exit statuses and error lines for any arguments. Like every command it
starts without Fire, and on valid files without jsonschema, so a commit that
touches a valid ``isollm.yaml`` pays for little more than reading it.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from isollm.cli.launch import main as isollm

    return isollm(["validate", *(sys.argv[1:] if argv is None else argv)], whole_process=argv is None,
                  quiet_valid=True)


if __name__ == "__main__":
    raise SystemExit(main())
