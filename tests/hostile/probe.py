"""An entry point that misbehaves on request: proves that the limits of tests/hostile/limited.py hold."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence


def main(argv: Sequence[str]) -> int:
    what, amount = argv
    if what == "allocate":  # MiB, every page touched (so that it counts as resident)
        block = b"x" * (int(amount) * 2**20)
        del block
    elif what == "sleep":
        time.sleep(float(amount))
    elif what == "signal":
        os.kill(os.getpid(), int(amount))
    elif what == "print":
        print(amount)
        print(amount, file=sys.stderr)
        return 3
    elif what == "raise":
        raise ValueError(amount)
    return 0
